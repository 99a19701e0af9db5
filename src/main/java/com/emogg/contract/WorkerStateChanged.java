package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A worker's report on {@code worker-states}: the session it owns moved to {@code workerState}.
 * {@code seq} grows with every report of one run of a worker ({@code workerRun}, new at each start
 * of a worker process), so the api drops that run's stale and repeated reports; reports of another
 * worker or run are judged by the rules of {@link WorkerState} only. {@code workerRun} is absent
 * from the reports of workers older than it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "sessionId", "workerId", "workerRun", "workerState", "seq", "reason", "at"})
public record WorkerStateChanged(int schemaVersion, String sessionId, String workerId, String workerRun, WorkerState workerState,
        long seq, String reason, String at) {

    public static final String TYPE = "WorkerStateChanged";
    public static final int SCHEMA_VERSION = 1;
}
