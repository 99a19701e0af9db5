package com.emogg.system;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import com.emogg.testing.ChildProcesses;

/**
 * Everything of one schedule, each in its own process: PostgreSQL, the Kafka broker, two api replicas
 * (each with its relay, its consumer of worker reports and its reconciler, on the one database) and
 * two workers. Closing it kills all of them.
 */
final class Cluster implements AutoCloseable {

    final PostgresServer postgres;
    final KafkaBroker kafka;
    final List<AppProcess> apis = new ArrayList<>();
    final List<AppProcess> workers = new ArrayList<>();
    private final ChildProcesses children;

    private Cluster(PostgresServer postgres, KafkaBroker kafka, ChildProcesses children) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.children = children;
    }

    static Cluster start(String runName, Path runDir, Path jar, Path binaries, Path projectDir, ChildProcesses children) {
        PostgresServer postgres = new PostgresServer(runDir, binaries, children);
        KafkaBroker kafka = new KafkaBroker(runDir, children, runName);
        Cluster cluster = new Cluster(postgres, kafka, children);
        try {
            CompletableFuture<Void> broker = CompletableFuture.runAsync(kafka::start);
            postgres.start();
            // the applications need the database to be ready; they connect to the broker whenever it is there
            for (int i = 1; i <= 2; i++) {
                cluster.apis.add(new AppProcess("api-" + i, "api", jar, runDir, projectDir, postgres, kafka, children, runName));
                cluster.workers.add(new AppProcess("worker-" + i, "worker", jar, runDir, projectDir, postgres, kafka, children, runName));
            }
            List<AppProcess> all = new ArrayList<>(cluster.apis);
            all.addAll(cluster.workers);
            try {
                parallel(all, AppProcess::start);
            } finally {
                broker.join();
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
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
        children.killAll();
        postgres.close();
        kafka.close();
    }
}
