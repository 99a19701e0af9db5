package com.emogg.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything on a topic, from its beginning, as a plain Kafka consumer of another team would see
 * it: read on a background thread into a list tests can query.
 */
public final class TopicRecords implements AutoCloseable {

    /** One record, with its headers as strings. */
    public record Received(String key, String value, java.util.Map<String, String> headers, int partition, long offset) {

        public String header(String name) {
            return headers.get(name);
        }

        public String type() {
            return header("ce_type");
        }

        public String id() {
            return header("ce_id");
        }
    }

    private final List<Received> records = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public TopicRecords(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // the relay publishes in transactions: read what committed only, as every consumer of our topics must
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(this::poll, "test-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    records.add(new Received(record.key(), record.value(), headers, record.partition(), record.offset()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** The records of one session (key), in topic order. */
    public List<Received> of(String sessionId) {
        List<Received> found = new ArrayList<>();
        for (Received record : records) {
            if (sessionId.equals(record.key())) {
                found.add(record);
            }
        }
        return found;
    }

    public List<Received> ofType(String sessionId, String type) {
        return of(sessionId).stream().filter(record -> type.equals(record.type())).toList();
    }

    public List<Received> all() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
