package com.emogg.session;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A live emotion-analysis session of one user's stream. */
@Entity
@Table(name = "sessions")
public class Session extends PanacheEntityBase {

    @Id
    public String id;

    public String userId;

    public String productId;

    public String name;

    public SessionType type;

    public SessionState state;

    public Instant createdAt;

    public Instant finishedAt;

    public Instant expiresAt;

    /** Can carry credentials: only the worker's start command ever gets it. */
    public String streamUri;

    public boolean removeMedia;

    public UUID sourceId;

    public String sourceName;

    public WorkerState workerState;

    public Instant healthCheckAt;

    /** The worker whose report was applied last, and that report's sequence number. */
    public String workerId;

    public Long workerSeq;

    /** When the pending stop was (last) sent to the worker, and how many times. */
    public Instant stopRequestedAt;

    public int stopAttempts;

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
