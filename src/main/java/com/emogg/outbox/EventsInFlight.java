package com.emogg.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * The events a relay sent and has not marked published yet: sent and awaiting the broker's
 * acknowledgement, or acknowledged and awaiting the mark. The relay reads the table again while
 * they are out, so it must not send them twice; a session's events go out in {@link SessionOrder}.
 *
 * <p>Only the relay's thread calls it; the broker's acknowledgements arrive on the producer's
 * threads and are queued, then taken in by {@link #collect()}.
 */
final class EventsInFlight {

    /** An event acknowledged by the broker, with when, awaiting its mark. */
    record Acknowledged(PendingEvent event, Instant at) {
    }

    private record Sent(PendingEvent event, CompletableFuture<Void> ack, long sentAtNanos) {
    }

    private record Outcome(PendingEvent event, CompletableFuture<Void> ack, Instant at, Throwable failure) {
    }

    private final SessionOrder order;
    private final Clock clock;
    private final Runnable onOutcome;
    private final Map<Long, Sent> awaitingAck = new HashMap<>();
    private final List<Acknowledged> awaitingMark = new ArrayList<>();
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private Throwable failure;

    /** {@code onOutcome} runs on the producer's thread at each acknowledgement or failure (it wakes the relay). */
    EventsInFlight(SessionOrder order, Clock clock, Runnable onOutcome) {
        this.order = order;
        this.clock = clock;
        this.onOutcome = onOutcome;
    }

    void send(List<PendingEvent> events) {
        long now = System.nanoTime();
        for (PendingEvent event : events) {
            CompletableFuture<Void> ack = order.send(event);
            awaitingAck.put(event.seq(), new Sent(event, ack, now));
            ack.whenComplete((ignored, error) -> {
                outcomes.add(new Outcome(event, ack, clock.instant(), error));
                onOutcome.run();
            });
        }
    }

    /**
     * Takes in the acknowledgements and failures that arrived; an event unacknowledged for longer
     * than {@code sendTimeout} counts as failed.
     */
    void collect(Duration sendTimeout) {
        for (Outcome outcome = outcomes.poll(); outcome != null; outcome = outcomes.poll()) {
            Sent sent = awaitingAck.get(outcome.event().seq());
            if (sent == null || sent.ack() != outcome.ack()) {
                continue; // a send forgotten by a reset before its outcome came (the event may be out again since)
            }
            awaitingAck.remove(outcome.event().seq());
            order.settled(outcome.event(), outcome.ack());
            if (outcome.failure() == null) {
                awaitingMark.add(new Acknowledged(outcome.event(), outcome.at()));
            } else if (failure == null) {
                failure = outcome.failure() instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : outcome.failure();
            }
        }
        if (failure == null) {
            long oldest = System.nanoTime() - sendTimeout.toNanos();
            if (awaitingAck.values().stream().anyMatch(sent -> sent.sentAtNanos() < oldest)) {
                failure = new TimeoutException("no acknowledgement from the broker within " + sendTimeout);
            }
        }
    }

    /** The first failure since the last {@link #reset()}, or null. */
    Throwable failure() {
        return failure;
    }

    /** Events out, not to be read and sent again: awaiting their acknowledgement or their mark. */
    int size() {
        return awaitingAck.size() + awaitingMark.size();
    }

    boolean awaitingAcknowledgements() {
        return !awaitingAck.isEmpty();
    }

    Long[] seqs() {
        List<Long> seqs = new ArrayList<>(size());
        seqs.addAll(awaitingAck.keySet());
        awaitingMark.forEach(acknowledged -> seqs.add(acknowledged.event().seq()));
        return seqs.toArray(Long[]::new);
    }

    int awaitingMark() {
        return awaitingMark.size();
    }

    /** When the oldest event still out was recorded, or null. */
    Instant oldest() {
        Instant oldest = null;
        for (Sent sent : awaitingAck.values()) {
            oldest = oldest == null || sent.event().occurredAt().isBefore(oldest) ? sent.event().occurredAt() : oldest;
        }
        for (Acknowledged acknowledged : awaitingMark) {
            oldest = oldest == null || acknowledged.event().occurredAt().isBefore(oldest) ? acknowledged.event().occurredAt() : oldest;
        }
        return oldest;
    }

    /** The acknowledged events, to mark now; they count as out until {@link #marked}. */
    List<Acknowledged> toMark() {
        return List.copyOf(awaitingMark);
    }

    void marked(List<Acknowledged> marked) {
        awaitingMark.subList(0, marked.size()).clear();
    }

    /**
     * Forgets everything still out, after a failure (once the acknowledged were marked): the table
     * is the truth again, and what was not marked goes out again, in order. Answers how many events
     * were forgotten unacknowledged.
     */
    int reset() {
        int forgotten = awaitingAck.size();
        awaitingAck.clear();
        awaitingMark.clear();
        order.clear();
        failure = null;
        return forgotten;
    }
}
