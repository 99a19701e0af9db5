package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Command to the worker that owns the session: stop, delete the media when asked, report {@code stopped}. */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "reason", "removeMedia", "requestedAt"})
public record SessionStopRequested(int schemaVersion, String sessionId, String user, String product, StopReason reason,
        boolean removeMedia, String requestedAt) {

    public static final String TYPE = "SessionStopRequested";
    public static final int SCHEMA_VERSION = 1;
}
