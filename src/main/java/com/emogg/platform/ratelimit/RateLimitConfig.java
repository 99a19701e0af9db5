package com.emogg.platform.ratelimit;

import java.time.Duration;

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

    /**
     * The most points one replica holds for one user, taken from the shared bucket at once: the
     * fewer leases, the fewer writes; each replica can let a user exceed a burst by at most this.
     */
    @WithDefault("20")
    int lease();

    /**
     * How old a replica's view of a user's shared bucket may grow while the user sends requests to
     * it before it leases again (in the background): bounds how late the {@code RateLimit-*}
     * headers learn what other replicas took.
     */
    @WithDefault("PT1S")
    Duration syncInterval();

    /** A user silent this long on a replica is forgotten there, and the points held for it given back. */
    @WithDefault("PT30S")
    Duration idleTimeout();

    /** The most users one replica keeps points for; beyond, a request leases exactly its cost. */
    @WithDefault("50000")
    int maxUsers();
}
