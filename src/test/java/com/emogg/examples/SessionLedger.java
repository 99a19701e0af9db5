package com.emogg.examples;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An example consumer of {@code session-events}, written as another team would write it: a plain
 * Kafka consumer that knows nothing of our code or database, rebuilds every session's state from
 * the topic alone, and bills finished sessions by duration. It reads committed records only
 * ({@code isolation.level=read_committed}), as every consumer of {@code session-events} must.
 *
 * <p>Run it against a running system:
 * {@code java -cp <test classpath> com.emogg.examples.SessionLedger localhost:19092 session-events}
 */
public final class SessionLedger implements AutoCloseable {

    /** What a consumer knows of one session. */
    public static final class Entry {
        public String sessionId;
        public String user;
        public String product;
        public String name;
        public String timestamp;
        public String state = "active";
        public String workerState = "pending";
        public String stopReason;
        public BigDecimal duration;
        public boolean deleted;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    /** At-least-once delivery: an event seen twice is applied once. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public SessionLedger(String bootstrap, String topic, String group) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // required (docs/asyncapi.yaml): the relay publishes in Kafka transactions, and a relay that lost its lead has its
        // open transaction aborted; Kafka's default, read_uncommitted, would see those records too, even after newer ones
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Reads what the topic has for {@code time}, applying each new event in order. */
    public void poll(Duration time) {
        long until = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                String id = header(record, "ce_id");
                if (id != null && seen.add(id)) {
                    apply(header(record, "ce_type"), record.value());
                }
            }
        }
    }

    public Map<String, Entry> sessions() {
        return sessions;
    }

    private void apply(String type, String value) {
        JsonNode event;
        try {
            event = JSON.readTree(value);
        } catch (java.io.IOException e) {
            return; // not ours to fix: skip what cannot be read
        }
        if (event.path("schemaVersion").asInt() != 1) {
            return; // a version this consumer does not know
        }
        Entry session = sessions.computeIfAbsent(event.path("sessionId").asText(), id -> {
            Entry created = new Entry();
            created.sessionId = id;
            return created;
        });
        session.user = event.path("user").asText(session.user);
        session.product = event.path("product").asText(session.product);
        switch (String.valueOf(type)) {
            case "SessionCreated" -> {
                session.name = event.path("name").asText();
                session.timestamp = event.path("timestamp").asText();
            }
            case "SessionRenamed" -> session.name = event.path("name").asText();
            case "SessionStopped" -> {
                session.state = "finished";
                session.stopReason = event.path("reason").asText();
                session.duration = event.path("duration").decimalValue();
            }
            case "SessionWorkerStateChanged" -> session.workerState = event.path("workerState").asText();
            case "SessionDeleted" -> session.deleted = true;
            default -> {
                // a newer type: ignored, as the compatibility rules allow
            }
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** Prints the bill of every finished session: user, product, seconds. */
    public static void main(String[] args) {
        try (SessionLedger ledger = new SessionLedger(args.length > 0 ? args[0] : "localhost:19092",
                args.length > 1 ? args[1] : "session-events", "billing-example")) {
            ledger.poll(Duration.ofSeconds(5));
            Map<String, BigDecimal> secondsByUser = new LinkedHashMap<>();
            ledger.sessions().values().stream().filter(entry -> entry.duration != null)
                    .forEach(entry -> secondsByUser.merge(entry.user + " / " + entry.product, entry.duration, BigDecimal::add));
            secondsByUser.forEach((who, seconds) -> System.out.println(who + ": " + seconds + " s"));
        }
    }
}
