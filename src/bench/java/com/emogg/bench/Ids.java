package com.emogg.bench;

/**
 * The ids of what the harness seeds. The API takes 24 lowercase hex characters; the ids here are
 * zero-padded decimal numbers, which are valid hex too, because pgbench can compute integers but
 * not strings: a pgbench script reaches the very same row as the HTTP run with
 * {@code lpad(:n::text, 24, '0')}. Each pool has its own range of numbers.
 */
final class Ids {

    static final long STOP_POOL = 1_000_000_000L;
    static final long LIST_SESSIONS = 2_000_000_000L;
    static final long DRAIN_SESSIONS = 3_000_000_000L;
    static final long PLAIN_PRODUCER_KEYS = 4_000_000_000L;
    static final long USERS = 7_000_000_000L;
    static final long PRODUCTS = 8_000_000_000L;

    /** The first of scenario 5's users (its sessions on the loopback stream, 10 per user: the WS subscription limit). */
    static final long STREAM_USERS = USERS + 100;
    static final String PRODUCT = id(PRODUCTS + 1);

    private Ids() {
    }

    static String id(long number) {
        String digits = Long.toString(number);
        return "0".repeat(24 - digits.length()) + digits;
    }

    /** The i-th user of scenario 5, 1-based. */
    static String streamUser(int i) {
        return id(STREAM_USERS + i);
    }

    /**
     * The i-th user of the load, 1-based: the owner of every {@code users}-th session of the stop pool and of the
     * list table, with a token of its own, so that the load is spread as real traffic is, each user under its rate limit.
     */
    static String loadUser(int i) {
        return id(LOAD_USERS + i);
    }

    /** The number of the i-th load user (for SQL and pgbench expressions). */
    static final long LOAD_USERS = USERS + 1000;

    /** The SQL of the same id, for an SQL expression {@code number}. */
    static String sql(String number) {
        return "lpad((" + number + ")::text, 24, '0')";
    }
}
