package com.emogg.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind on a topic (end offsets minus committed offsets): when the
 * application's consumer of worker reports cannot keep up, its lag says so directly.
 */
final class ConsumerLag {

    private ConsumerLag() {
    }

    /** Records not yet consumed by {@code group} on {@code topic}; -1 when it cannot be read. */
    static long of(String bootstrap, String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(15, TimeUnit.SECONDS).entrySet().stream().filter(entry -> entry.getKey().topic().equals(topic))
                    .filter(entry -> entry.getValue() != null).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            var ends = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(partition -> partition,
                    partition -> OffsetSpec.latest()))).all().get(15, TimeUnit.SECONDS);
            long lag = 0;
            for (var entry : committed.entrySet()) {
                lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
            }
            return lag;
        } catch (Exception e) {
            Progress.line("consumer lag of %s on %s not readable: %s", group, topic, e.getMessage());
            return -1;
        }
    }
}
