package com.emogg.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

import com.emogg.testing.ChildProcesses;

/**
 * Kafka as production runs it: three KRaft nodes (each broker and controller), each in a process and
 * on a test host of its own; the application's topics created with 3 replicas, 2 of them in sync for
 * a write ({@code min.insync.replicas}), which its producers acknowledge with {@code acks=all}. (The
 * ITs that test something else run a single node.)
 */
final class KafkaCluster implements AutoCloseable {

    static final int NODES = 3;

    final List<KafkaBroker> brokers = new ArrayList<>();
    private final String clusterId = Uuid.randomUuid().toString();

    KafkaCluster(Network network, Path runDir, ChildProcesses children, String runName, int nodes) {
        for (int node = 1; node <= nodes; node++) {
            brokers.add(new KafkaBroker(node, network.host("kafka-" + node), runDir, children, runName));
        }
    }

    /** Every broker's address, as clients are given them. */
    String bootstrap() {
        return brokers.stream().map(KafkaBroker::bootstrap).collect(Collectors.joining(","));
    }

    void start() {
        String voters = brokers.stream().map(KafkaBroker::voter).collect(Collectors.joining(","));
        each(brokers, broker -> broker.start(clusterId, voters, brokers.size()));
    }

    /** Every node SIGKILLed: Kafka is down as a whole. */
    void killAll() {
        each(brokers, KafkaBroker::kill);
    }

    /** Every node that is down started again, at once (a quorum needs two of them). */
    void restartDead() {
        each(brokers.stream().filter(broker -> !broker.alive()).toList(), KafkaBroker::restart);
    }

    boolean allAlive() {
        return brokers.stream().allMatch(KafkaBroker::alive);
    }

    KafkaBroker broker(int nodeId) {
        return brokers.stream().filter(broker -> broker.nodeId == nodeId).findFirst().orElseThrow();
    }

    /** The leader of each partition of the topics, by node id (-1 for none), or an empty map when the cluster does not answer. */
    Map<String, Integer> leaders(List<String> topics) {
        Map<String, Integer> leaders = new TreeMap<>();
        try (Admin admin = admin()) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
            described.forEach((topic, description) -> {
                for (TopicPartitionInfo partition : description.partitions()) {
                    leaders.put(topic + "-" + partition.partition(), partition.leader() == null ? -1 : partition.leader().id());
                }
            });
        } catch (Exception e) {
            return Map.of();
        }
        return leaders;
    }

    /** The in-sync replicas of each partition of the topic, or an empty map when the cluster does not answer. */
    Map<String, Integer> inSyncReplicas(String topic) {
        Map<String, Integer> isr = new TreeMap<>();
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            for (TopicPartitionInfo partition : description.partitions()) {
                isr.put(topic + "-" + partition.partition(), partition.isr().size());
            }
        } catch (Exception e) {
            return Map.of();
        }
        return isr;
    }

    /** The node leading the controller quorum, or -1. */
    int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            return -1;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    private static void each(List<KafkaBroker> brokers, java.util.function.Consumer<KafkaBroker> action) {
        List<CompletableFuture<Void>> all = brokers.stream().map(broker -> CompletableFuture.runAsync(() -> action.accept(broker))).toList();
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    @Override
    public void close() {
        brokers.forEach(KafkaBroker::close);
    }
}
