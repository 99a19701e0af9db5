package com.emogg.session.realtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** At most {@code limit} events per key in any window of {@code windowNanos}; keys with nothing recent are dropped. */
final class SlidingWindow {

    private final int limit;
    private final long windowNanos;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();

    SlidingWindow(int limit, long windowNanos) {
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    /** Records one event for {@code key}; false (and nothing recorded) when the key is over its limit. */
    boolean tryAcquire(String key, long nowNanos) {
        Deque<Long> times = events.computeIfAbsent(key, ignored -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && nowNanos - times.peekFirst() >= windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                return false;
            }
            times.addLast(nowNanos);
            return true;
        }
    }

    /** Forgets keys with no event in the window, so the map does not grow with every client ever seen. */
    void prune(long nowNanos) {
        events.entrySet().removeIf(entry -> {
            Deque<Long> times = entry.getValue();
            synchronized (times) {
                return times.isEmpty() || nowNanos - times.peekLast() >= windowNanos;
            }
        });
    }
}
