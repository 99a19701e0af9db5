package com.emogg.web;

import jakarta.ws.rs.core.Response;

/** A user's bucket after one request: what the {@code RateLimit-*} headers tell. */
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

    public Response.ResponseBuilder addHeaders(Response.ResponseBuilder response) {
        return response.header("RateLimit-Limit", capacity)
                .header("RateLimit-Remaining", remaining())
                .header("RateLimit-Reset", resetSeconds())
                .header("RateLimit-Policy", policy());
    }
}
