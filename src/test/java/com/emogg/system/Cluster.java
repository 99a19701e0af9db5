package com.emogg.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import com.emogg.testing.ChildProcesses;

/**
 * Everything of one schedule, each in its own process and, where this machine allows it, on a test
 * host of its own ({@link Network}): PostgreSQL, a three-node Kafka cluster, two api replicas (each
 * with its relay, its consumer of worker reports and its reconciler, on the one database) and two
 * workers. Closing it kills all of them and removes the hosts.
 */
final class Cluster implements AutoCloseable {

    final Network network;
    final PostgresServer postgres;
    final KafkaCluster kafka;
    final List<AppProcess> apis = new ArrayList<>();
    final List<AppProcess> workers = new ArrayList<>();
    private final ChildProcesses children;

    private Cluster(Network network, PostgresServer postgres, KafkaCluster kafka, ChildProcesses children) {
        this.network = network;
        this.postgres = postgres;
        this.kafka = kafka;
        this.children = children;
    }

    static Cluster start(String runName, Path runDir, Path jar, Path binaries, Path projectDir, ChildProcesses children) {
        Network network = Network.start();
        if (network.partitions()) {
            Log.line("network: test hosts in network namespaces (%s = the test and PostgreSQL)", network.root().address());
        } else {
            Log.line("network: every process on 127.0.0.1, no partitions (%s)", network.whyNoPartitions());
        }
        Cluster cluster = null;
        try {
            PostgresServer postgres = new PostgresServer(runDir, binaries, children, network.root());
            KafkaCluster kafka = new KafkaCluster(network, runDir, children, runName, KafkaCluster.NODES);
            cluster = new Cluster(network, postgres, kafka, children);
            CompletableFuture<Void> brokers = CompletableFuture.runAsync(kafka::start);
            postgres.start();
            // the applications need the database to be ready; they connect to the brokers whenever they are there
            for (int i = 1; i <= 2; i++) {
                cluster.apis.add(new AppProcess("api-" + i, "api", network.host("api-" + i), jar, runDir, projectDir, postgres, kafka,
                        children, runName));
                cluster.workers.add(new AppProcess("worker-" + i, "worker", network.host("worker-" + i), jar, runDir, projectDir, postgres,
                        kafka, children, runName));
            }
            List<AppProcess> all = new ArrayList<>(cluster.apis);
            all.addAll(cluster.workers);
            try {
                parallel(all, AppProcess::start);
            } finally {
                brokers.join();
            }
            return cluster;
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            } else {
                network.close();
            }
            throw e;
        }
    }

    /** Runs the action on every process at once (starting four JVMs one after the other would take four times as long). */
    static void parallel(List<AppProcess> processes, Consumer<AppProcess> action) {
        List<CompletableFuture<Void>> all = processes.stream().map(app -> CompletableFuture.runAsync(() -> action.accept(app))).toList();
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    List<AppProcess> liveApis() {
        return apis.stream().filter(AppProcess::alive).toList();
    }

    AppProcess worker(String workerId) {
        return workers.stream().filter(worker -> worker.workerId().equals(workerId)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        network.healAll();
        children.killAll();
        postgres.close();
        kafka.close();
        network.close();
    }
}
