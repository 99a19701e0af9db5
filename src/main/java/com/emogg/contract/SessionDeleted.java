package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Fact on {@code session-events}: a session was deleted; nothing more will be said of it. */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "at"})
public record SessionDeleted(int schemaVersion, String sessionId, String user, String product, String at) {

    public static final String TYPE = "SessionDeleted";
    public static final int SCHEMA_VERSION = 1;
}
