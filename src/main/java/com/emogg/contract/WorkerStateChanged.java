package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A worker's report on {@code worker-states}: the session it owns moved to {@code workerState}.
 * {@code seq} grows with every report of one worker, so the api drops stale and repeated ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "sessionId", "workerId", "workerState", "seq", "reason", "at"})
public record WorkerStateChanged(int schemaVersion, String sessionId, String workerId, WorkerState workerState, long seq,
        String reason, String at) {

    public static final String TYPE = "WorkerStateChanged";
    public static final int SCHEMA_VERSION = 1;
}
