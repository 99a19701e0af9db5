package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Fact on {@code session-events}: a session was created. Never carries the stream URI. */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "name", "type", "timestamp", "expires", "removeMedia", "source"})
public record SessionCreated(int schemaVersion, String sessionId, String user, String product, String name, String type,
        String timestamp, String expires, boolean removeMedia, Source source) {

    public static final String TYPE = "SessionCreated";
    public static final int SCHEMA_VERSION = 1;

    /** The session's source as the API shows it: the stream's host, never its URI. */
    public record Source(String id, String name, String type, String device) {
    }
}
