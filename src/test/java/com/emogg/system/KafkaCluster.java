package com.emogg.system;

import java.nio.file.Path;
import java.time.Duration;
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
        return ask(admin -> {
            Map<String, Integer> leaders = new TreeMap<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, description) -> {
                for (TopicPartitionInfo partition : description.partitions()) {
                    leaders.put(topic + "-" + partition.partition(), partition.leader() == null ? -1 : partition.leader().id());
                }
            });
            return leaders;
        }, Map.of());
    }

    /** The in-sync replicas of each partition of the topic, or an empty map when the cluster does not answer. */
    Map<String, Integer> inSyncReplicas(String topic) {
        return ask(admin -> {
            Map<String, Integer> isr = new TreeMap<>();
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            for (TopicPartitionInfo partition : description.partitions()) {
                isr.put(topic + "-" + partition.partition(), partition.isr().size());
            }
            return isr;
        }, Map.of());
    }

    /** The node leading the controller quorum, or -1. */
    int activeController() {
        return ask(admin -> admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId(), -1);
    }

    private interface Question<T> {
        T ask(Admin admin) throws Exception;
    }

    /**
     * The answer, or {@code otherwise}, within seconds even with a node cut off: an admin client's
     * close otherwise waits for its calls to the unreachable node to time out, which made a
     * fault's question outlast the fault.
     */
    private <T> T ask(Question<T> question, T otherwise) {
        Admin admin = admin();
        try {
            return question.ask(admin);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return otherwise;
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private Admin admin() {
        // a connection to a node whose packets are dropped gives up in 2 s, and the client asks another node
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000, AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000));
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
