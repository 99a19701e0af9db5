package com.emogg.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import com.emogg.contract.SessionSettled;
import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.emogg.platform.ObjectIds;

import io.quarkus.test.junit.QuarkusTest;

/**
 * How long a worker takes to take over a {@code session-commands} partition, against the history
 * the partition holds. A measurement run by hand, not a test (its name keeps surefire from picking it
 * up, and nothing asserts a figure): the README ("Workers") keeps the figures.
 *
 * <pre>
 * ./mvnw -o test -Dtest=TakeoverBench -Dquarkus.http.test-port=0 [-Dtakeover.sessions=100000] [-Dtakeover.rounds=3]
 * </pre>
 *
 * For each case, a fresh one-partition topic on the tests' broker gets {@code takeover.sessions}
 * finished sessions (their start and stop commands, as the relay writes them, and their tombstone
 * when the case has them) and 100 sessions still known (a start whose session has expired, so that
 * nothing is probed), then the log cleaner compacts it (the topic rolls 1 MB segments and cleans at
 * any dirt ratio, so it runs within seconds rather than after an hour); one case leaves it as the
 * topic was before tombstones and segment settings (never compacted: all of it sits in the active
 * segment). Then a worker of a group of its own is started, {@code takeover.rounds} times, and timed
 * from its start to its log line "owns ...: N sessions known", which it writes once it has read the
 * partition up to its end: what a takeover costs before the worker starts anything. The case without
 * history is the fixed part (joining the group, the first fetch).
 */
@QuarkusTest
class TakeoverBench {

    private static final int LIVE = 100;
    private static final Pattern OWNS = Pattern.compile("owns (\\S+)-0: (\\d+) sessions known");

    @Inject
    OtherWorkers others;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final Map<String, CompletableFuture<Integer>> caughtUp = new HashMap<>();

    @Test
    void takeoverAgainstHistory() throws Exception {
        int sessions = Integer.getInteger("takeover.sessions", 100_000);
        int rounds = Integer.getInteger("takeover.rounds", 3);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                Matcher owns = message == null ? null : OWNS.matcher(message);
                if (owns != null && owns.find()) {
                    synchronized (caughtUp) {
                        CompletableFuture<Integer> waiting = caughtUp.get(owns.group(1));
                        if (waiting != null) {
                            waiting.complete(Integer.parseInt(owns.group(2)));
                        }
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(SessionWorker.class.getName());
        log.addHandler(handler);
        List<String> table = new ArrayList<>();
        table.add("| case | finished sessions | records in the partition, of written | catch-up, ms: median [each round] | sessions known |");
        table.add("|---|---|---|---|---|");
        try {
            measure("warm-up (not reported)", 0, false, true, false, 1);
            table.add(measure("no history: the 100 sessions known only", 0, false, true, false, rounds));
            table.add(measure("before, as until now: start + stop, not compacted (the active segment, 1 GB or 7 days, is never cleaned)",
                    sessions, false, false, false, rounds));
            table.add(measure("before, compacted: start + stop", sessions, false, true, false, rounds));
            table.add(measure("after, compacted: start + stop + tombstone, tombstones kept (within delete.retention.ms)", sessions, true,
                    true, false, rounds));
            table.add(measure("after, compacted: start + stop + tombstone, tombstones past delete.retention.ms", sessions, true, true, true,
                    rounds));
            table.add(measure("the same, a tenth of the history", sessions / 10, true, true, true, rounds));
        } finally {
            log.removeHandler(handler);
        }
        System.out.println("\nTakeover of one session-commands partition (" + Instant.now() + ")\n\n" + String.join("\n", table) + "\n");
    }

    private String measure(String name, int sessions, boolean tombstones, boolean compact, boolean expireTombstones, int rounds)
            throws Exception {
        String topic = "takeover-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = compact ? Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(1024 * 1024),
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
                TopicConfig.DELETE_RETENTION_MS_CONFIG, expireTombstones ? "1000" : Long.toString(Duration.ofDays(1).toMillis()))
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(settings))).all().get(30, TimeUnit.SECONDS);
        }
        long written = write(topic, sessions, tombstones);
        // the first pass leaves each session's last record: its stop, or its tombstone
        long left = compact ? awaitCompaction(topic, LIVE + sessions) : count(topic);
        if (expireTombstones && sessions > 0) {
            // tombstones go on the cleaner's next pass after delete.retention.ms: give it dirt to clean
            Thread.sleep(1500);
            dirty(topic);
            left = awaitCompaction(topic, LIVE);
        }
        List<Long> times = new ArrayList<>();
        int known = -1;
        for (int round = 0; round < rounds; round++) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            synchronized (caughtUp) {
                caughtUp.put(topic, done);
            }
            SessionWorker worker = others.following(topic, "takeover-bench-" + UUID.randomUUID());
            long started = System.nanoTime();
            worker.start();
            try {
                known = done.get(10, TimeUnit.MINUTES);
                times.add((System.nanoTime() - started) / 1_000_000);
            } finally {
                worker.stop();
            }
        }
        System.out.printf("%s: %d written, %d left, catch-up %s ms, %d known%n", name, written, left, times, known);
        List<Long> sorted = times.stream().sorted().toList();
        return "| " + name + " | " + sessions + " | " + left + " of " + written + " | " + sorted.get(sorted.size() / 2) + " " + times + " | "
                + known + " |";
    }

    /** The sessions' commands, as the relay writes them (CloudEvents headers, the database's bodies), then the live ones. */
    private long write(String topic, int sessions, boolean tombstones) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        long count = 0;
        Instant created = Instant.now().minus(Duration.ofHours(2));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < sessions; i++) {
                String id = ObjectIds.next();
                producer.send(record(topic, id, SessionStartRequested.TYPE, start(id, created.plusSeconds(24 * 3600), created)));
                producer.send(record(topic, id, SessionStopRequested.TYPE, "{\"schemaVersion\":1,\"sessionId\":\"" + id + "\",\"user\":\""
                        + id + "\",\"product\":\"" + id + "\",\"reason\":\"user\",\"removeMedia\":true,\"requestedAt\":\""
                        + created.plusSeconds(60) + "\"}"));
                count += 2;
                if (tombstones) {
                    producer.send(record(topic, id, SessionSettled.TYPE, null));
                    count++;
                }
            }
            for (int i = 0; i < LIVE; i++) {
                String id = ObjectIds.next();
                producer.send(record(topic, id, SessionStartRequested.TYPE, start(id, Instant.now().minusSeconds(1), created)));
                count++;
            }
            producer.flush();
        }
        return count;
    }

    private static String start(String id, Instant expires, Instant requested) {
        return "{\"schemaVersion\":1,\"sessionId\":\"" + id + "\",\"user\":\"" + id + "\",\"product\":\"" + id
                + "\",\"streamUri\":\"rtsp://user:secret@camera-" + id + ".example:8554/live/stream\",\"removeMedia\":true,\"expires\":\""
                + expires + "\",\"requestedAt\":\"" + requested + "\"}";
    }

    private static ProducerRecord<String, String> record(String topic, String id, String type, String body) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, id, body);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_source", "/emogg/sessions");
        headers.put("ce_type", type);
        headers.put("ce_subject", id);
        headers.put("ce_time", Instant.now().toString());
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        headers.forEach((key, value) -> record.headers().add(key, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** Records of one key of no session, replacing each other: dirt for the cleaner, nothing left after it. */
    private void dirty(String topic) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            String filler = "x".repeat(1000);
            for (int i = 0; i < 3000; i++) {
                producer.send(new ProducerRecord<>(topic, "filler", filler));
            }
            producer.flush();
        }
    }

    /** Waits until the cleaner left at most what should stay, give or take the active segment; answers the records left. */
    private long awaitCompaction(String topic, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long left = count(topic);
        while (left > expected + 4000 && System.nanoTime() < deadline) {
            Thread.sleep(5000);
            left = count(topic);
        }
        return left;
    }

    private long count(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long count = 0;
            while (consumer.position(partition) < end) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }
}
