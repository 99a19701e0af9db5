package com.emogg.session.reports;

import java.time.Instant;

import com.emogg.contract.WorkerState;

/**
 * A worker's report, as the api applies it: a state change, or a heartbeat carrying the current state.
 * {@code workerRun} is null in the reports of workers older than it.
 */
public record WorkerReport(String sessionId, String workerId, String workerRun, WorkerState workerState, long seq, Instant at,
        boolean heartbeat) {
}
