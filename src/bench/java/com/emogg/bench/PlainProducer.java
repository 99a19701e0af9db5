package com.emogg.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenario 6's baseline: what the broker takes from one plain Kafka producer with the relay's
 * settings (acks=all, idempotent, linger.ms=2, String serializers), sending records of the same size
 * with the same CloudEvents headers and keys, to a topic of its own with the same partitions and
 * clean-up policy. No database: the gap to the relay is the relay's reading, batching and marking.
 */
final class PlainProducer {

    static final String TOPIC = "bench-plain-producer";

    private PlainProducer() {
    }

    /** Events per second from the first send to the last acknowledgement. */
    static double eventsPerSecond(String bootstrap, int records, String payloadTemplate, String templateSession) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topic " + TOPIC, e);
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            // warm-up (a tenth of the records): metadata, connections and compiled code, as the relay's
            // long-lived producer already has them
            send(producer, Math.max(200, records / 10), Ids.PLAIN_PRODUCER_KEYS + 10_000_000L, payloadTemplate, templateSession);
            long started = System.nanoTime();
            send(producer, records, Ids.PLAIN_PRODUCER_KEYS, payloadTemplate, templateSession);
            double seconds = (System.nanoTime() - started) / 1e9;
            return records / seconds;
        }
    }

    private static void send(KafkaProducer<String, String> producer, int records, long firstKey, String payloadTemplate,
            String templateSession) {
        CountDownLatch acknowledged = new CountDownLatch(records);
        AtomicReference<Exception> failure = new AtomicReference<>();
        String source = "/emogg/sessions";
        for (int i = 0; i < records; i++) {
            String key = Ids.id(firstKey + i);
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, key, payloadTemplate.replace(templateSession, key));
            header(record, "ce_specversion", "1.0");
            header(record, "ce_id", UUID.randomUUID().toString());
            header(record, "ce_type", "SessionStopRequested");
            header(record, "ce_source", source);
            header(record, "ce_time", Instant.now().toString());
            header(record, "ce_subject", key);
            header(record, "content-type", "application/json");
            producer.send(record, (metadata, exception) -> {
                if (exception != null) {
                    failure.compareAndSet(null, exception);
                }
                acknowledged.countDown();
            });
        }
        producer.flush();
        try {
            if (!acknowledged.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the plain producer's records were not all acknowledged");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the plain producer failed", failure.get());
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
