package com.emogg.session.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The documented shape of the create body. The resource reads the body as a JSON tree (to report
 * each bad field by name); this record only describes it to the OpenAPI document.
 */
@Schema(name = "NewSession", example = "{\"name\": \"Lobby camera\", \"streamUri\": \"rtsp://camera.example/live\", "
        + "\"config\": {\"removeMedia\": true}}")
record CreateSessionDoc(
        @Schema(required = true, minLength = 1, maxLength = 256) String name,
        @Schema(required = true, description = "rtmp, rtmps or rtsp; stored for the worker, never returned") String streamUri,
        Config config) {

    record Config(@Schema(defaultValue = "false", description = "Delete the session's media when it stops") boolean removeMedia) {
    }

    @Schema(name = "Rename", example = "{\"name\": \"Hall camera\"}")
    record Rename(@Schema(required = true, minLength = 1, maxLength = 256) String name) {
    }
}
