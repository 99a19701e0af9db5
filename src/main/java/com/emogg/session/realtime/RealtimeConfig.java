package com.emogg.session.realtime;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The WebSocket API's limits ({@code EMOGG_WS_*}); the defaults are the contract's. */
@ConfigMapping(prefix = "emogg.ws")
public interface RealtimeConfig {

    /** A connection that sends nothing for this long is closed. */
    @WithDefault("PT65S")
    Duration idleTimeout();

    /** New connections per client IP and minute. */
    @WithDefault("90")
    int connectionsPerMinute();

    /** Messages per user and minute, over all their connections. */
    @WithDefault("80")
    int messagesPerMinute();

    @WithDefault("5")
    int subscriptionsPerConnection();

    @WithDefault("10")
    int subscriptionsPerUser();
}
