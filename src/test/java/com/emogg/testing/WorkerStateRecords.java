package com.emogg.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends worker reports to worker-states the way a worker would, for tests that replay and reorder
 * them; {@link #raw} writes any record to its topic (session-commands too).
 */
public final class WorkerStateRecords implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;

    public WorkerStateRecords(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    /** A WorkerStateChanged with a new event id; returns the id. */
    public UUID report(String sessionId, String workerId, String state, long seq) {
        UUID id = UUID.randomUUID();
        resend(id, sessionId, workerId, state, seq);
        return id;
    }

    /** A WorkerStateChanged of one run of a worker, with a new event id; returns the id. */
    public UUID report(String sessionId, String workerId, String run, String state, long seq) {
        UUID id = UUID.randomUUID();
        send("WorkerStateChanged", id, sessionId, """
                {"schemaVersion":1,"sessionId":"%s","workerId":"%s","workerRun":"%s","workerState":"%s","seq":%d,"at":"%s"}"""
                .formatted(sessionId, workerId, run, state, seq, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        return id;
    }

    /** A WorkerStateChanged with the given event id (a redelivery when the id was sent before), without a run, as older workers send it. */
    public void resend(UUID id, String sessionId, String workerId, String state, long seq) {
        send("WorkerStateChanged", id, sessionId, """
                {"schemaVersion":1,"sessionId":"%s","workerId":"%s","workerState":"%s","seq":%d,"at":"%s"}"""
                .formatted(sessionId, workerId, state, seq, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    }

    /** A heartbeat at a distinct instant, returned so a test can see when it was applied. */
    public Instant heartbeat(String sessionId, String workerId, String state, long seq) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
        send("WorkerHeartbeat", UUID.randomUUID(), sessionId, """
                {"schemaVersion":1,"sessionId":"%s","workerId":"%s","workerState":"%s","seq":%d,"at":"%s"}"""
                .formatted(sessionId, workerId, state, seq, at));
        return at;
    }

    /** A heartbeat of one run of a worker, at a distinct instant, returned so a test can see when it was applied. */
    public Instant heartbeat(String sessionId, String workerId, String run, String state, long seq) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
        send("WorkerHeartbeat", UUID.randomUUID(), sessionId, """
                {"schemaVersion":1,"sessionId":"%s","workerId":"%s","workerRun":"%s","workerState":"%s","seq":%d,"at":"%s"}"""
                .formatted(sessionId, workerId, run, state, seq, at));
        return at;
    }

    /** Any record, as is (a null value is a tombstone): for poison, unknown-type and tombstone tests. Answers where it landed. */
    public RecordMetadata raw(String sessionId, Map<String, String> headers, String value) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, sessionId, value);
        headers.forEach((name, content) -> record.headers().add(name, content.getBytes(StandardCharsets.UTF_8)));
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the test record was not sent", e);
        }
    }

    private void send(String type, UUID id, String sessionId, String body) {
        raw(sessionId, Map.of("ce_specversion", "1.0", "ce_id", id.toString(), "ce_type", type, "ce_source", "/test",
                "ce_subject", sessionId, "content-type", "application/json"), body);
    }

    @Override
    public void close() {
        producer.close();
    }
}
