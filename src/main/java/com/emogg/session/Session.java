package com.emogg.session;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.emogg.contract.WorkerState;

/**
 * A live emotion-analysis session of one user's stream, as stored.
 *
 * @param streamUri can carry credentials: only the worker's start command ever gets it
 * @param workerId the worker whose report was applied last
 * @param workerSeq that report's sequence number
 * @param stopRequestedAt when the pending stop was (last) sent to the worker
 * @param stopAttempts how many times it was sent
 */
public record Session(String id, String userId, String productId, String name, SessionType type, SessionState state,
        Instant createdAt, Instant finishedAt, Instant expiresAt, String streamUri, boolean removeMedia, UUID sourceId,
        String sourceName, WorkerState workerState, Instant healthCheckAt, String workerId, Long workerSeq, Instant stopRequestedAt,
        int stopAttempts) {

    /** Seconds: while active, up to now; once finished, frozen at the stop. */
    public Duration duration(Instant now) {
        Instant end = finishedAt != null ? finishedAt : now;
        return end.isBefore(createdAt) ? Duration.ZERO : Duration.between(createdAt, end);
    }

    /** Finished, but the worker may still be analysing or cleaning up. */
    public boolean isProcessing() {
        return state == SessionState.FINISHED && !workerState.isTerminal();
    }

    @Override
    public String toString() {
        return "Session<" + id + ">";
    }
}
