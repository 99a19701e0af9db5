package com.emogg.session.deadlines;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The reconciler's deadlines ({@code EMOGG_RECONCILER_*}). */
@ConfigMapping(prefix = "emogg.reconciler")
public interface DeadlineConfig {

    /** How often the api looks for sessions past a deadline. */
    @WithDefault("PT5S")
    Duration interval();

    /** A stop not confirmed by the worker within this is sent again. */
    @WithDefault("PT30S")
    Duration stopDeadline();

    /** Sends of a stop before its session is given up as {@code lost}. */
    @WithDefault("3")
    int stopAttempts();

    /** A running session without any worker report for this long is {@code lost}; longer than a rebalance. */
    @WithDefault("PT90S")
    Duration heartbeatDeadline();

    /**
     * How often each api replica writes a listening mark into every partition of
     * {@code worker-states}: how current the reconciler knows its view of the workers to be.
     */
    @WithDefault("PT1S")
    Duration markInterval();

    /** Sessions handled per deadline and round; the next round takes the rest. */
    @WithDefault("200")
    int batchSize();
}
