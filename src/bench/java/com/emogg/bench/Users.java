package com.emogg.bench;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The users the load comes from, with their tokens. Production traffic comes from many users, each
 * under its rate limit (300 points, 5 per second back by default): one user sending everything
 * would be refused within a second, and a bench that turns the limiter off to avoid that measures
 * another application. So every session of the stop pool and of the list table has one of these
 * users as owner (session {@code n} of the pool belongs to user {@code n % count + 1}), each request
 * carries its owner's token, and the runs check that no request was refused (429).
 */
final class Users {

    /** Points given back per second to each user's bucket by default ({@code RateLimitConfig}): the most one user may send in the long run. */
    static final double REFILL_PER_SECOND = 5;

    private final List<String> tokens;

    Users(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no user");
        }
        this.tokens = List.copyOf(tokens);
    }

    int count() {
        return tokens.size();
    }

    /** The token of user {@code i}, 1-based. */
    String token(int i) {
        return tokens.get(i - 1);
    }

    /** The token of the owner of the stop pool's session {@code n} (0-based). */
    String ownerOfPoolSession(long n) {
        return tokens.get((int) (n % tokens.size()));
    }

    String any() {
        return tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
    }

    /** Requests per second each user sent in a run of {@code throughput} requests per second spread evenly. */
    double perUser(double throughput) {
        return throughput / tokens.size();
    }
}
