package com.emogg.contract;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Fact on {@code session-events}: a session finished, with why, by whom ({@code user} or
 * {@code system}) and its final duration in seconds. Built by the database function
 * {@code session_stopped_payload} in the statement that stops the session; this record documents
 * and reads it.
 */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "reason", "stoppedBy", "timestamp", "stoppedAt", "duration"})
public record SessionStopped(int schemaVersion, String sessionId, String user, String product, StopReason reason, String stoppedBy,
        String timestamp, String stoppedAt, BigDecimal duration) {

    public static final String TYPE = "SessionStopped";
    public static final int SCHEMA_VERSION = 1;
}
