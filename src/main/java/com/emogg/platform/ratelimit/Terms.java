package com.emogg.platform.ratelimit;

/**
 * The terms of every user's bucket: its capacity, its refill, what a request costs, and how one
 * replica leases from it.
 *
 * @param lease the most points one replica holds for one user
 * @param syncNanos how old a replica's view of the shared bucket may grow while the user is active on it
 */
record Terms(int capacity, double refillPerSecond, int cost, int lease, long syncNanos) {

    Terms {
        if (cost < 1 || capacity < cost || lease < cost || !(refillPerSecond > 0) || syncNanos <= 0) {
            throw new IllegalArgumentException("rate limit: needs 1 <= cost <= capacity, cost <= lease, a positive refill and sync interval");
        }
    }

    static Terms of(RateLimitConfig config) {
        return new Terms(config.capacity(), config.refillPerSecond(), config.cost(), config.lease(), config.syncInterval().toNanos());
    }

    /** Below this many points held, a replica leases more in the background, before it runs out. */
    int lowWater() {
        return Math.max(cost, lease / 2);
    }

    /** {@code points} refilled for {@code nanos}, at most full. */
    double refilled(double points, long nanos) {
        return Math.min(capacity, points + Math.max(0, nanos) / 1e9 * refillPerSecond);
    }
}
