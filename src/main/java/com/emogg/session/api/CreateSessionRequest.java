package com.emogg.session.api;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.emogg.session.NewSession;

/** The body of {@code POST /v1/sessions}. {@code toString} leaves the stream URI out: it may hold credentials. */
@Schema(name = "NewSession", example = "{\"name\": \"Lobby camera\", \"streamUri\": \"rtsp://camera.example/live\", "
        + "\"config\": {\"removeMedia\": true}}")
public record CreateSessionRequest(
        @SessionName String name,
        @NotNull(message = "is required") @StreamUri
        @Schema(required = true, maxLength = StreamUri.MAX_LENGTH, description = "rtmp, rtmps or rtsp; stored for the worker, never returned. "
                + "A host that is a loopback, private, link-local or other internal address is refused (400) unless the operators "
                + "allow its network; a host name is checked by the worker, which reports failed when it resolves to one")
        String streamUri,
        @Valid Config config) {

    public record Config(@Schema(defaultValue = "false", description = "Delete the session's media when it stops") Boolean removeMedia) {
    }

    NewSession toNewSession() {
        return new NewSession(name, URI.create(streamUri.trim()), config != null && Boolean.TRUE.equals(config.removeMedia()));
    }

    @Override
    public String toString() {
        return "CreateSessionRequest[name=" + name + "]";
    }
}
