package com.emogg.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The relay's ordering rule: a session's events of one stream reach their topic in the order they
 * were recorded. Each is sent only once the broker acknowledged the one before it; other sessions'
 * events go meanwhile. So a send that fails (say, it timed out waiting for the topic's metadata) can
 * never let a later event of its session reach the topic first: that later one is not sent at all,
 * and fails with it. (Sending every event at once reordered a session's facts in the crash matrix.)
 *
 * <p>The chains outlive one read of the table: the relay reads again while events are out, and a
 * session's new event waits for the last one still out. Used from the relay's thread only.
 */
final class SessionOrder {

    private final Function<PendingEvent, CompletableFuture<Void>> send;
    private final Executor afterAcknowledgement;
    /** The last event sent of each session and stream, while its acknowledgement is pending. */
    private final Map<String, CompletableFuture<Void>> last = new HashMap<>();

    /**
     * @param send sends one event, and completes once the broker acknowledged it
     * @param afterAcknowledgement where a chained send runs: never on the thread that completed the
     *        acknowledgement before it (the Kafka client's network thread)
     */
    SessionOrder(Function<PendingEvent, CompletableFuture<Void>> send, Executor afterAcknowledgement) {
        this.send = send;
        this.afterAcknowledgement = afterAcknowledgement;
    }

    /** Sends {@code event} now, or once the event of its session sent before is acknowledged; completes with its own acknowledgement. */
    CompletableFuture<Void> send(PendingEvent event) {
        String key = key(event);
        CompletableFuture<Void> before = last.get(key);
        CompletableFuture<Void> acknowledged = before == null ? send.apply(event)
                : before.thenComposeAsync(ignored -> send.apply(event), afterAcknowledgement);
        last.put(key, acknowledged);
        return acknowledged;
    }

    /** The outcome of {@code event}'s send is in: a later event of its session no longer waits for it. */
    void settled(PendingEvent event, CompletableFuture<Void> acknowledged) {
        last.remove(key(event), acknowledged);
    }

    /** Forgets every chain (after a failure, when the table is the truth again). */
    void clear() {
        last.clear();
    }

    /** How many sessions have an event out. */
    int sessionsOut() {
        return last.size();
    }

    private static String key(PendingEvent event) {
        return event.sessionId() + '/' + event.stream().value();
    }
}
