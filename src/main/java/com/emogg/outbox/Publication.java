package com.emogg.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * One relay's lead on the broker side: a transactional producer whose {@code initTransactions}
 * fenced every earlier one of the same id. Events go out in transactions; an event is published (a
 * consumer reading committed records sees it) only once its transaction commits, and a transaction
 * that fails or is fenced publishes none of its events. So a send that fails can never let a later
 * event of its session reach the topic before it (they fail together and go again, in order), and a
 * relay that was fenced can publish nothing more, whatever its producer still had on its way.
 *
 * <p>Used from the relay's thread only.
 */
final class Publication implements AutoCloseable {

    private final Producer<String, String> producer;
    private final Function<PendingEvent, ProducerRecord<String, String>> toRecord;
    private final List<PendingEvent> inTransaction = new ArrayList<>();
    private final List<Future<RecordMetadata>> sends = new ArrayList<>();
    private boolean open;
    private long startedNanos;

    Publication(Producer<String, String> producer, Function<PendingEvent, ProducerRecord<String, String>> toRecord) {
        this.producer = producer;
        this.toRecord = toRecord;
    }

    /** Sends the events, in this order, in the open transaction (opened now if none is). */
    void send(List<PendingEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (!open) {
            producer.beginTransaction();
            open = true;
            startedNanos = System.nanoTime();
        }
        for (PendingEvent event : events) {
            inTransaction.add(event);
            sends.add(producer.send(toRecord.apply(event)));
        }
    }

    /** The events of the open transaction, in the order sent. */
    List<PendingEvent> inTransaction() {
        return inTransaction;
    }

    Long[] seqs() {
        return inTransaction.stream().map(PendingEvent::seq).toArray(Long[]::new);
    }

    /** Waits until the broker has every event sent so far (written in the open transaction, not published before its commit). */
    void awaitWritten(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> send : sends) {
            send.get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** How long the open transaction has been open, or zero. */
    Duration age() {
        return open ? Duration.ofNanos(System.nanoTime() - startedNanos) : Duration.ZERO;
    }

    /**
     * Commits the open transaction (waiting for the broker to have every event of it); its events
     * are published once this returns, and handed back. Throws when the transaction failed: none of
     * its events is published, and this publication is done for (close it; the table still has them).
     */
    List<PendingEvent> commit() {
        if (!open) {
            return List.of();
        }
        producer.commitTransaction();
        List<PendingEvent> published = List.copyOf(inTransaction);
        inTransaction.clear();
        sends.clear();
        open = false;
        return published;
    }

    /** True when the failure means another relay opened a publication since this one: this relay no longer leads. */
    static boolean fenced(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /** Ends the producer at once: an open transaction is abandoned (the next publication's initTransactions aborts it). */
    @Override
    public void close() {
        inTransaction.clear();
        sends.clear();
        open = false;
        producer.close(Duration.ZERO);
    }
}
