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

    /**
     * How long the broker may take to answer the relay (to open its transactions, to take an event, to
     * commit) before the attempt fails and what it held goes again.
     */
    @WithDefault("PT45S")
    Duration sendTimeout();

    /** Transactions commit at least this often under load (each commit publishes its events). */
    @WithDefault("PT0.1S")
    Duration commitInterval();

    /**
     * A leader whose events the broker has taken none of for this long (it may be cut off from Kafka
     * while it still reaches PostgreSQL) gives up the lead, and takes it again only once a broker answers it.
     */
    @WithDefault("PT30S")
    Duration leadWithoutBroker();

    /**
     * PostgreSQL ends the lock's session of a leader that stopped answering (its replica died with its
     * machine, or the network to it is cut) within about this long, which frees the lead for another replica.
     */
    @WithDefault("PT30S")
    Duration lockTimeout();

    /**
     * The transactional id all relays share: opening a publication fences the one opened before it, so
     * a relay that lost its lead can publish nothing after the next leader started. Distinct per
     * deployment sharing a Kafka cluster.
     */
    @WithDefault("emogg-relay")
    String transactionalId();

    /** Published events are kept this long (for inspection), then deleted. */
    @WithDefault("PT24H")
    Duration retention();

    /** On shutdown, how long to keep publishing what is pending before stopping. */
    @WithDefault("PT5S")
    Duration drainTimeout();
}
