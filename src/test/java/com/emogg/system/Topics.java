package com.emogg.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The topics as a plain Kafka client sees them: read from the beginning up to their end (no consumer
 * group, so nothing the application does depends on it), and written to as a worker or a broken
 * producer would write.
 */
final class Topics {

    static final String COMMANDS = "session-commands";
    static final String REPORTS = "worker-states";
    static final String EVENTS = "session-events";
    static final String COMMANDS_DLQ = "session-commands-dlq";
    static final String REPORTS_DLQ = "worker-states-dlq";
    static final List<String> ALL = List.of(COMMANDS, REPORTS, EVENTS, COMMANDS_DLQ, REPORTS_DLQ);
    /** The header that marks a record the test wrote itself, so the checker never takes it for the application's. */
    static final String INJECTED_HEADER = "crash-injected";

    private Topics() {
    }

    /** Every record of the topic, partition by partition in offset order; empty when the topic does not exist. */
    static List<KafkaRecord> readAll(String bootstrap, String topic, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // what a consumer sees: committed records only (the relay publishes in transactions; a fenced relay's are aborted)
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<KafkaRecord> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                return records;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(convert(record));
                }
            }
        }
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records;
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static KafkaRecord convert(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return new KafkaRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), headers);
    }

    /** The end offset of each partition of the topic, or null when the broker does not answer. */
    static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions().size();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * True once the consumer group committed, on every partition, at least the given offsets: it has
     * processed everything that was on the topic when they were taken.
     */
    static boolean committedAtLeast(String bootstrap, String group, Map<TopicPartition, Long> offsets) {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, Long> wanted : offsets.entrySet()) {
                OffsetAndMetadata done = committed.get(wanted.getKey());
                if (wanted.getValue() > 0 && (done == null || done.offset() < wanted.getValue())) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }

    /** A producer for records the test injects; each one carries {@link #INJECTED_HEADER}. */
    static final class Injector implements AutoCloseable {

        private final KafkaProducer<String, String> producer;

        Injector(String bootstrap) {
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }

        void send(String topic, String key, Map<String, String> headers, String value, String why) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, content) -> {
                if (!name.equals(INJECTED_HEADER)) {
                    record.headers().add(name, content == null ? null : content.getBytes(StandardCharsets.UTF_8));
                }
            });
            record.headers().add(INJECTED_HEADER, why.getBytes(StandardCharsets.UTF_8));
            try {
                producer.send(record).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the injected record was not sent", e);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
