package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import com.emogg.local.SingleNodeKafka;
import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;
import com.emogg.testing.Ports;
import com.emogg.testing.PostgresServers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The real servers the application runs on, each its own process, as in production: PostgreSQL 15
 * from zonky's packaged binaries (the version the tests use), and a single-node KRaft Kafka broker
 * in a JVM of its own (not inside the harness, whose load generator would otherwise share its
 * heap and GC pauses). Fresh data under {@code target/bench} on every run, free ports only.
 */
final class Infrastructure implements AutoCloseable {

    private final Path dir;
    private final ChildProcesses children;
    private EmbeddedPostgres postgres;
    private Process kafka;
    private int kafkaPort;

    private Infrastructure(Path dir, ChildProcesses children) {
        this.dir = dir;
        this.children = children;
    }

    static Infrastructure start(Path dir, ChildProcesses children) {
        Infrastructure infrastructure = new Infrastructure(dir, children);
        // both at once, each mostly waits for its own process; PostgreSQL on a thread that has this
        // class loader as its context loader (zonky looks its binaries up there)
        java.util.concurrent.CompletableFuture<Void> postgres = new java.util.concurrent.CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                infrastructure.startPostgres();
                postgres.complete(null);
            } catch (Throwable e) {
                postgres.completeExceptionally(e);
            }
        }, "bench-postgres-start");
        starter.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        starter.start();
        RuntimeException failure = null;
        try {
            infrastructure.startKafka();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            postgres.join();
        } catch (java.util.concurrent.CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
        }
        if (failure != null) {
            infrastructure.close();
            throw failure;
        }
        return infrastructure;
    }

    int postgresPort() {
        return postgres.getPort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/postgres";
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    Connection connect() {
        Properties props = new Properties();
        props.put("user", "postgres");
        props.put("password", "postgres");
        try {
            // the driver itself, not DriverManager: under exec:java the harness has its own class loader
            return new org.postgresql.Driver().connect(jdbcUrl(), props);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the bench PostgreSQL", e);
        }
    }

    /** The postmaster: its own CPU, plus that of its backends and of those it already reaped. */
    long postgresPid() {
        try {
            return Long.parseLong(Files.readAllLines(dir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long kafkaPid() {
        return kafka == null ? -1 : kafka.pid();
    }

    private void startPostgres() {
        long started = System.nanoTime();
        Path data = dir.resolve("pg");
        stopAbandonedPostgres(data);
        // a fresh cluster every run (initdb refuses a folder that is not empty, as a killed run leaves it)
        Folders.deleteRecursively(data);
        try {
            Path binaries = dir.resolve("pg-binaries");
            Files.createDirectories(binaries);
            Path log = dir.resolve("postgres.log");
            postgres = PostgresServers.builder(binaries, data, Ports.free(), log)
                    .setCleanDataDirectory(true)
                    // the application's pool (32), pgbench's largest client count (128), the relay, the harness
                    .setServerConfig("max_connections", "300")
                    // durable, as production's server is (PostgreSQL's defaults): zonky starts its servers with -F
                    // (fsync off) and synchronous_commit off, fine for tests, not for measuring commits; the -c
                    // options come after -F on the command line and win (the report reads them back from the server)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // enough cache for the 1,000,000-session list table
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("the bench PostgreSQL did not start (data in " + data + ")", e);
        }
        Progress.line("PostgreSQL started on 127.0.0.1:%d in %d ms (pid %d, data in %s)", postgres.getPort(),
                (System.nanoTime() - started) / 1_000_000, postgresPid(), data);
    }

    /** A harness killed with SIGKILL leaves its server running on the data folder: end it first. */
    private static void stopAbandonedPostgres(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().command().orElse("").contains("postgres"))
                    .ifPresent(handle -> {
                        Progress.line("stopping the PostgreSQL (pid %d) an earlier run left on %s", pid, data);
                        handle.destroy();
                        try {
                            handle.onExit().get(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            handle.destroyForcibly();
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // a stale or unreadable pid file: zonky cleans the folder anyway
        }
    }

    private void startKafka() {
        long started = System.nanoTime();
        Path kafkaDir = dir.resolve("kafka");
        Path logs = kafkaDir.resolve("logs");
        kafkaPort = Ports.free();
        int controllerPort = Ports.free();
        Folders.deleteRecursively(kafkaDir);
        Path config = kafkaDir.resolve("server.properties");
        SingleNodeKafka.format(SingleNodeKafka.config(logs, kafkaPort, controllerPort), config, "single-node KRaft broker of the benchmark");
        ProcessBuilder builder = new ProcessBuilder(Classpath.javaBinary(), "-Xms512m", "-Xmx512m",
                "-Dbench.role=kafka-broker", "-cp", Classpath.current(), "kafka.Kafka", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile()));
        kafka = children.start("Kafka broker", builder, "bench.role=kafka-broker");
        Ports.awaitListening(kafkaPort, Duration.ofSeconds(90), "the Kafka broker (see target/bench/kafka.log)", kafka::isAlive);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap()))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka broker does not answer (see target/bench/kafka.log)", e);
        }
        Progress.line("Kafka broker started on %s in %d ms (pid %d, its own JVM, log in target/bench/kafka.log)",
                kafkaBootstrap(), (System.nanoTime() - started) / 1_000_000, kafka.pid());
    }

    @Override
    public void close() {
        if (kafka != null) {
            children.stop(kafka, 30);
            Progress.line("Kafka broker stopped");
            kafka = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
                Progress.line("PostgreSQL stopped");
            } catch (IOException e) {
                Progress.line("PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
            postgres = null;
        }
    }

    static List<String> tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException | UncheckedIOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }
}
