package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Fact on {@code session-events}: a session's name changed. */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "name", "previousName", "at"})
public record SessionRenamed(int schemaVersion, String sessionId, String user, String product, String name, String previousName,
        String at) {

    public static final String TYPE = "SessionRenamed";
    public static final int SCHEMA_VERSION = 1;
}
