package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A worker's periodic sign of life for a session it runs, with the state it is in: refreshes
 * {@code meta.healthCheck}, and heals a lost state report. {@code workerRun} and {@code seq} as in
 * {@link WorkerStateChanged}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "sessionId", "workerId", "workerRun", "workerState", "seq", "at"})
public record WorkerHeartbeat(int schemaVersion, String sessionId, String workerId, String workerRun, WorkerState workerState, long seq,
        String at) {

    public static final String TYPE = "WorkerHeartbeat";
    public static final int SCHEMA_VERSION = 1;
}
