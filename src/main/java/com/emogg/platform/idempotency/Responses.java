package com.emogg.platform.idempotency;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * How the HTTP edge turns the outcome of an idempotent request into the response recorded for its
 * retries. The service that runs the request knows nothing of HTTP; this is the edge's part.
 */
public interface Responses<T> {

    /**
     * The response to a success, as at {@code at}: the same result and time give the same bytes, so
     * a retry can be answered from the recorded result.
     */
    Replayable of(T result, Instant at);

    /**
     * The response to a client's error (a 4xx, recorded and replayed like a success), or null when
     * the failure is ours: then nothing is recorded, the transaction rolls back and a retry runs again.
     */
    Replayable ofFailure(Throwable failure);

    /**
     * What the first caller gets once the request committed (say, after waiting for a worker), which
     * retries get too; the committed result itself by default.
     */
    default Uni<T> afterCommit(T committed) {
        return Uni.createFrom().item(committed);
    }
}
