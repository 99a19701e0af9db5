package com.emogg.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * When the worker reported each session {@code stopped}: the timestamps of its
 * {@code WorkerStateChanged} records on {@code worker-states} (key = session id, timestamp set by the
 * worker's producer on this same machine's clock), read back after scenario 5. They split
 * stop-to-stopped in two: up to the worker's report, and from there until the api applied it and
 * shows it; and they start issue 5's report-to-WebSocket delay.
 */
final class WorkerReportTimes {

    static final String TOPIC = "worker-states";

    private WorkerReportTimes() {
    }

    /** Epoch milliseconds of each session's first "stopped" report. */
    static Map<String, Long> stopped(String bootstrap, Set<String> sessions) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Long> reported = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(15)).stream()
                    .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (sessions.contains(record.key()) && record.value() != null && record.value().contains("\"stopped\"")
                            && record.value().contains("workerState")) {
                        reported.merge(record.key(), record.timestamp(), Math::min);
                    }
                }
            }
        }
        return reported;
    }
}
