package com.emogg.platform.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The per-user token bucket of the REST API ({@code EMOGG_RATE_LIMIT_*}). */
@ConfigMapping(prefix = "emogg.rate-limit")
public interface RateLimitConfig {

    @WithDefault("true")
    boolean enabled();

    /** Points a full bucket holds: the largest burst. */
    @WithDefault("300")
    int capacity();

    /** Points given back per second. */
    @WithDefault("5")
    double refillPerSecond();

    /** What one request costs. */
    @WithDefault("1")
    int cost();
}
