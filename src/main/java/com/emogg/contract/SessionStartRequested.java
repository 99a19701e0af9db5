package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Command to the worker that owns the session: start analysing its stream. The only event that
 * carries the stream URI (it may hold credentials): it goes to the internal command topic alone.
 */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "streamUri", "removeMedia", "expires", "requestedAt"})
public record SessionStartRequested(int schemaVersion, String sessionId, String user, String product, String streamUri,
        boolean removeMedia, String expires, String requestedAt) {

    public static final String TYPE = "SessionStartRequested";
    public static final int SCHEMA_VERSION = 1;

    @Override
    public String toString() {
        return "SessionStartRequested[" + sessionId + "]";
    }
}
