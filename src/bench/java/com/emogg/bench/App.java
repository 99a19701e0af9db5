package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Ports;
import com.emogg.testing.Sleep;

/**
 * The application as production runs it: the packaged jar (a copy of {@code target/quarkus-app}, prod
 * profile) in a process of its own, configured by the environment only, on the bench's PostgreSQL
 * and Kafka. One instance per role ({@code api} or {@code worker}); the harness measures how long
 * it takes from launch to its first answers, and reads its memory from {@code /proc}.
 */
final class App implements AutoCloseable {

    static final String ADMIN_TOKEN = "bench-admin-token-000000";

    final String name;
    final int port;
    final Process process;
    /** Launch to the first 200 of {@code /q/health/ready}. */
    final Duration ready;
    /** Launch to the first 200 of an authenticated {@code GET /v1/sessions}; null without a token or for a worker. */
    final Duration firstRequest;
    /**
     * CPU time (user + system, all its threads) the process had used when its first authenticated
     * request was answered; -1 without one. On a shared machine the wall time to start depends on
     * what else runs; the CPU a start costs much less.
     */
    final long cpuToFirstRequestMillis;
    final Map<String, String> environment;
    private final ChildProcesses children;
    private final Path log;

    private App(String name, int port, Process process, Duration ready, Duration firstRequest, long cpuToFirstRequestMillis,
            Map<String, String> environment, ChildProcesses children, Path log) {
        this.cpuToFirstRequestMillis = cpuToFirstRequestMillis;
        this.name = name;
        this.port = port;
        this.process = process;
        this.ready = ready;
        this.firstRequest = firstRequest;
        this.environment = environment;
        this.children = children;
        this.log = log;
    }

    /**
     * Starts the jar (the run's copy, see {@link Snapshot}) with {@code role} and waits until it is ready; with a {@code token}, also until
     * that token's {@code GET /v1/sessions} answers 200. {@code extra} adds or overrides variables.
     */
    static App start(String name, String role, String javaBinary, List<String> jvmArgs, Infrastructure infrastructure, Settings settings,
            ChildProcesses children, Map<String, String> extra, String token) {
        Path jar = settings.outDir().resolve("quarkus-app/quarkus-run.jar");
        int port = Ports.free();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + infrastructure.postgresPort() + "/postgres");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", infrastructure.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("KAFKA_BOOTSTRAP_SERVERS", infrastructure.kafkaBootstrap());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("EMOGG_ROLE", role);
        env.put("EMOGG_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("EMOGG_WORKER_ID", "bench-" + name);
        env.put("EMOGG_WORKER_MEDIA_DIR", settings.outDir().resolve("media").toString());
        // prod mode refuses loopback streams; the bench's LoopbackStream is one
        env.put("EMOGG_WORKER_ALLOWED_NETWORKS", "127.0.0.0/8");
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        env.putAll(extra);

        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(settings.appJvmArgs());
        command.addAll(jvmArgs);
        command.add("-Dbench.role=app-" + name);
        command.add("-jar");
        command.add(jar.toString());
        Path log = settings.outDir().resolve("app-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(settings.projectDir().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            Files.writeString(log, "---- " + java.time.Instant.now() + " " + name + " (" + role + ") " + command + " " + env + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        long launched = System.nanoTime();
        Process process = children.start("application " + name, builder, "bench.role=app-" + name);
        Api api = new Api(port);
        Duration ready = null;
        Duration firstRequest = null;
        long cpuToFirstRequest = -1;
        boolean wantsRequest = token != null && !role.equals("worker");
        long deadline = launched + Duration.ofSeconds(240).toNanos();
        while (ready == null || wantsRequest && firstRequest == null) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application (" + name + ") exited with " + process.exitValue()
                        + "; the end of " + log + ":\n  " + String.join("\n  ", Infrastructure.tail(log, 30)));
            }
            if (System.nanoTime() > deadline) {
                children.stop(process, 10);
                throw new IllegalStateException("the application (" + name + ") was not ready within 240 s; see " + log);
            }
            if (ready == null && api.status("/q/health/ready", null) == 200) {
                ready = Duration.ofNanos(System.nanoTime() - launched);
            }
            if (wantsRequest && firstRequest == null && api.status("/v1/sessions?limit=1", token) == 200) {
                firstRequest = Duration.ofNanos(System.nanoTime() - launched);
                cpuToFirstRequest = cpuMillis(process.pid());
            }
            Sleep.millis(20);
        }
        Progress.line("application %s (%s) ready on 127.0.0.1:%d in %d ms%s (pid %d, log in %s)", name, role, port, ready.toMillis(),
                firstRequest == null ? "" : ", first authenticated request in " + firstRequest.toMillis() + " ms",
                process.pid(), settings.projectDir().relativize(log));
        return new App(name, port, process, ready, firstRequest, cpuToFirstRequest, env, children, log);
    }

    /** Peak resident memory (VmHWM) and current (VmRSS), in MiB, from /proc/pid/status. */
    double[] memoryMiB() {
        double hwm = Double.NaN;
        double rss = Double.NaN;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kib(line) / 1024.0;
                } else if (line.startsWith("VmRSS:")) {
                    rss = kib(line) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the memory of pid " + process.pid(), e);
        }
        return new double[] {hwm, rss};
    }

    /** utime + stime of a process, in milliseconds (from /proc/pid/stat, 100 ticks per second). */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** SIGTERM, so the relay drains and the consumers leave their groups, as in a rolling update. */
    @Override
    public void close() {
        close(30);
    }

    /** SIGTERM, then SIGKILL after {@code seconds} (a JVM writing its class archive at exit needs longer). */
    void close(int seconds) {
        if (process.isAlive()) {
            long started = System.nanoTime();
            children.stop(process, seconds);
            Progress.line("application %s stopped in %d ms", name, (System.nanoTime() - started) / 1_000_000);
        }
    }

    Path log() {
        return log;
    }
}
