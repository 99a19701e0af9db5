package com.emogg.session.realtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The per-minute limits of the WebSocket API: 90 new connections per IP, 80 messages per user. */
class SlidingWindowTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void ninetyConnectionsAMinuteThenRefusedUntilTheOldestLeavesTheWindow() {
        SlidingWindow connections = new SlidingWindow(90, MINUTE);
        long start = 1_000_000_000L;
        for (int i = 0; i < 90; i++) {
            assertTrue(connections.tryAcquire("10.0.0.1", start + i));
        }
        assertFalse(connections.tryAcquire("10.0.0.1", start + 100), "the 91st within the minute");
        assertTrue(connections.tryAcquire("10.0.0.2", start + 100), "another IP has its own window");
        assertTrue(connections.tryAcquire("10.0.0.1", start + MINUTE), "a minute after the first, one place is free");
        assertFalse(connections.tryAcquire("10.0.0.1", start + MINUTE), "but only one");
    }

    @Test
    void pruningForgetsQuietKeysOnly() {
        SlidingWindow messages = new SlidingWindow(1, MINUTE);
        assertTrue(messages.tryAcquire("quiet", 0));
        assertTrue(messages.tryAcquire("busy", MINUTE));
        messages.prune(MINUTE + 1);
        assertTrue(messages.tryAcquire("quiet", MINUTE + 2), "forgotten, so allowed again");
        assertFalse(messages.tryAcquire("busy", MINUTE + 2), "still within its minute");
    }
}
