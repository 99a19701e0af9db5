package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A worker's periodic sign of life for a session it runs, with the state it is in: refreshes
 * {@code meta.healthCheck}, and heals a lost state report.
 */
@JsonPropertyOrder({"schemaVersion", "sessionId", "workerId", "workerState", "seq", "at"})
public record WorkerHeartbeat(int schemaVersion, String sessionId, String workerId, WorkerState workerState, long seq, String at) {

    public static final String TYPE = "WorkerHeartbeat";
    public static final int SCHEMA_VERSION = 1;
}
