package com.emogg.session.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code PATCH /v1/sessions/:id}: only the name is writable. */
@Schema(name = "Rename", example = "{\"name\": \"Hall camera\"}")
public record RenameSessionRequest(@SessionName String name) {
}
