package com.emogg.worker;

import java.time.Duration;
import java.util.Map;

/**
 * When a worker that no longer reaches its group's coordinator must let its sessions go. The
 * coordinator gives a silent member's partitions to another worker once it has heard nothing from it
 * for {@code session.timeout.ms}. The consumer does not say when its heartbeats were last answered
 * (its {@code last-heartbeat-seconds-ago} counts the last one sent, and it keeps sending while the
 * coordinator does not answer), so the worker asks the coordinator itself, every heartbeat interval
 * (a description of its group, on the same network path), and counts from the last question
 * answered. Its heartbeats reached the coordinator up to a heartbeat interval before that question, so
 * it lets go {@code 4 x heartbeat.interval.ms} before the session timeout: the sessions stop here
 * before the next owner can start them, and no session runs on two workers. (10 s and 1 s in the
 * crash matrix: let go after 6 s; Kafka's defaults 45 s and 3 s: after 33 s.) Pure, so the bound is
 * tested without a broker.
 */
final class GroupContact {

    private static final long DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

    private final Duration letGoAfter;
    private final Duration heartbeatInterval;

    GroupContact(Duration sessionTimeout, Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
        Duration margin = heartbeatInterval.multipliedBy(4);
        Duration after = sessionTimeout.minus(margin);
        Duration floor = heartbeatInterval.multipliedBy(2);
        this.letGoAfter = after.compareTo(floor) < 0 ? floor : after;
    }

    /** From the consumer's settings ({@code session.timeout.ms}, {@code heartbeat.interval.ms}, Kafka's defaults when absent). */
    static GroupContact of(Map<String, Object> consumer) {
        return new GroupContact(Duration.ofMillis(millis(consumer.get("session.timeout.ms"), DEFAULT_SESSION_TIMEOUT_MS)),
                Duration.ofMillis(millis(consumer.get("heartbeat.interval.ms"), DEFAULT_HEARTBEAT_INTERVAL_MS)));
    }

    Duration letGoAfter() {
        return letGoAfter;
    }

    /** True when the sessions must go: the coordinator last answered a question sent {@code sinceAnswered} ago. */
    boolean lost(Duration sinceAnswered) {
        return sinceAnswered.compareTo(letGoAfter) >= 0;
    }

    /** How often to ask the coordinator. */
    Duration askEvery() {
        return heartbeatInterval;
    }

    private static long millis(Object value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
