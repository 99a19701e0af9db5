package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Fact on {@code session-events}: {@code meta.workerState} changed (an applied change, not a raw
 * worker report or a heartbeat). Recorded by a trigger on the sessions table, so every change
 * has one, whatever made it.
 */
@JsonPropertyOrder({"schemaVersion", "sessionId", "user", "product", "workerState", "previousWorkerState", "at"})
public record SessionWorkerStateChanged(int schemaVersion, String sessionId, String user, String product, WorkerState workerState,
        WorkerState previousWorkerState, String at) {

    public static final String TYPE = "SessionWorkerStateChanged";
    public static final int SCHEMA_VERSION = 1;
}
