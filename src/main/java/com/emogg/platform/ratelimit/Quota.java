package com.emogg.platform.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's bucket after one request: what the {@code RateLimit-*} headers tell.
 *
 * @param tokens the user's points as the replica that answers sees them: those it holds for the user
 *        and the shared bucket's as it last saw them, refilled since (README, "Rate limits", for how
 *        far that can be from the shared truth)
 */
public record Quota(boolean allowed, double tokens, int capacity, double refillPerSecond, int cost) {

    public int remaining() {
        return (int) Math.max(0, Math.floor(tokens));
    }

    /** Seconds until the bucket is full again. */
    public long resetSeconds() {
        return (long) Math.ceil(Math.max(0, capacity - tokens) / refillPerSecond);
    }

    /** Seconds until one more request fits. */
    public long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(Math.max(0, cost - tokens) / refillPerSecond));
    }

    public String policy() {
        return capacity + ";w=" + (long) Math.ceil(capacity / refillPerSecond);
    }

    /** The {@code RateLimit-*} headers of a response, in order. */
    public Map<String, Object> headers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", capacity);
        headers.put("RateLimit-Remaining", remaining());
        headers.put("RateLimit-Reset", resetSeconds());
        headers.put("RateLimit-Policy", policy());
        return headers;
    }
}
