package com.emogg.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** The relay's per-session ordering, without a broker: sends recorded, acknowledgements given by hand. */
class SessionOrderTest {

    private final List<Long> sent = new ArrayList<>();
    private final Map<Long, CompletableFuture<Void>> acknowledgements = new HashMap<>();
    private final SessionOrder order = new SessionOrder(event -> {
        sent.add(event.seq());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        acknowledgements.put(event.seq(), acknowledged);
        return acknowledged;
    }, Runnable::run);
    private long seq;

    private PendingEvent event(String session, EventStream stream) {
        seq++;
        return new PendingEvent(seq, UUID.randomUUID(), session, stream, "T", "{}", Instant.EPOCH, null);
    }

    @Test
    void aSessionsNextEventLeavesOnlyOnceTheOneBeforeIsAcknowledged() {
        PendingEvent first = event("a", EventStream.COMMANDS);
        PendingEvent second = event("a", EventStream.COMMANDS);
        PendingEvent third = event("a", EventStream.COMMANDS);
        order.send(first);
        CompletableFuture<Void> secondAcknowledged = order.send(second);
        order.send(third);
        assertEquals(List.of(1L), sent);
        acknowledgements.get(1L).complete(null);
        assertEquals(List.of(1L, 2L), sent);
        acknowledgements.get(2L).complete(null);
        assertTrue(secondAcknowledged.isDone());
        assertEquals(List.of(1L, 2L, 3L), sent);
    }

    @Test
    void otherSessionsAndOtherStreamsDoNotWait() {
        order.send(event("a", EventStream.COMMANDS));
        order.send(event("b", EventStream.COMMANDS));
        order.send(event("a", EventStream.EVENTS));
        assertEquals(List.of(1L, 2L, 3L), sent);
        assertEquals(3, order.sessionsOut());
    }

    @Test
    void aFailedSendNeverLetsALaterEventOfItsSessionThrough() {
        order.send(event("a", EventStream.EVENTS));
        CompletableFuture<Void> later = order.send(event("a", EventStream.EVENTS));
        acknowledgements.get(1L).completeExceptionally(new IllegalStateException("metadata timeout"));
        assertEquals(List.of(1L), sent, "the later event was not sent");
        assertTrue(later.isCompletedExceptionally(), "it fails with the one before: the relay reads both again, in order");
    }

    @Test
    void aSettledEventNoLongerHoldsItsSessionAndAResetForgetsEveryChain() {
        PendingEvent first = event("a", EventStream.COMMANDS);
        CompletableFuture<Void> acknowledged = order.send(first);
        acknowledgements.get(1L).complete(null);
        order.settled(first, acknowledged);
        assertEquals(0, order.sessionsOut());
        order.send(event("a", EventStream.COMMANDS));
        order.clear();
        order.send(event("a", EventStream.COMMANDS));
        assertEquals(List.of(1L, 2L, 3L), sent, "after a reset the table is the truth again: nothing waits on a forgotten send");
    }
}
