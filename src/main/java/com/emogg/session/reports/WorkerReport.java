package com.emogg.session.reports;

import java.time.Instant;

import com.emogg.contract.WorkerState;

/** A worker's report, as the api applies it: a state change, or a heartbeat carrying the current state. */
public record WorkerReport(String sessionId, String workerId, WorkerState workerState, long seq, Instant at, boolean heartbeat) {
}
