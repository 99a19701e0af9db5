package com.emogg.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The relay that publishes recorded events to Kafka ({@code EMOGG_RELAY_*}). */
@ConfigMapping(prefix = "emogg.relay")
public interface RelayConfig {

    /** Runs in the api role unless switched off. */
    @WithDefault("true")
    boolean enabled();

    /** Events read at once; at most four times this many are out (sent, not yet marked) at a time. */
    @WithDefault("500")
    int batchSize();

    /** How often to look for events when no NOTIFY arrived (NOTIFY is not durable). */
    @WithDefault("PT1S")
    Duration pollInterval();

    /** How often a replica that is not the relay checks whether it can become it. */
    @WithDefault("PT2S")
    Duration leaderRetry();

    /** Wait after a failure, doubled on each failure in a row up to {@link #backoffMax()}. */
    @WithDefault("PT0.2S")
    Duration backoffMin();

    @WithDefault("PT30S")
    Duration backoffMax();

    /** How long an event may wait for the broker's acknowledgement before the relay gives up and reads again. */
    @WithDefault("PT45S")
    Duration sendTimeout();

    /** Published events are kept this long (for inspection), then deleted. */
    @WithDefault("PT24H")
    Duration retention();

    /** On shutdown, how long to keep publishing what is pending before stopping. */
    @WithDefault("PT5S")
    Duration drainTimeout();
}
