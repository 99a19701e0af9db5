package com.emogg.platform.runtime;

import java.util.Locale;

/**
 * What one process of the application does, chosen at start with {@code EMOGG_ROLE}: the same jar
 * runs as the public API, as a worker, or as both (the local run).
 */
public enum Role {
    /** HTTP and WebSocket API, the relay of recorded events to Kafka, the consumer of worker reports. */
    API,
    /** Runs the analysis of the sessions it owns and reports their state; serves health and metrics only. */
    WORKER,
    ALL;

    public boolean servesApi() {
        return this != WORKER;
    }

    public boolean runsWorkers() {
        return this != API;
    }

    public static Role parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("EMOGG_ROLE must be api, worker or all, not '" + value + "'");
        }
    }
}
