package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Ports;
import com.emogg.testing.Sleep;

/**
 * One replica of the application as production runs it: the packaged jar (prod profile) in a JVM of
 * its own, configured by the environment only, in the {@code api} or {@code worker} role. It can be
 * SIGKILLed and restarted with the very same settings (port, worker id, media folder), as an
 * orchestrator restarts a crashed pod.
 *
 * <p>The deadlines are short so a run converges in seconds: the reconciler resends a stop after 5 s
 * and gives a session up after 30 s of silence. The Kafka consumers' session timeout is 10 s (the
 * client's default is 45 s): a SIGKILLed worker's partitions only move to another worker once the
 * group coordinator expires it, and that must happen well before the 30 s heartbeat deadline, or the
 * reconciler declares its sessions lost instead of letting the next owner resume them (in production
 * the deadline is 90 s, which the default 45 s fits in).
 */
final class AppProcess {

    static final String ADMIN_TOKEN = "crash-admin-token-0000000";

    final String name;
    final String role;
    final Network.Host host;
    final int port;
    private final Path jar;
    private final Path projectDir;
    private final Path log;
    private final Map<String, String> environment;
    private final ChildProcesses children;
    private final String marker;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;
    private boolean bare;
    /** Set from the moment a (re)start is decided until the process is ready, so nobody starts it twice. */
    private volatile boolean starting;

    AppProcess(String name, String role, Network.Host host, Path jar, Path runDir, Path projectDir, PostgresServer postgres,
            KafkaCluster kafka, ChildProcesses children, String runName) {
        this.name = name;
        this.role = role;
        this.host = host;
        this.port = Ports.free();
        this.jar = jar;
        this.projectDir = projectDir;
        this.log = runDir.resolve(name + ".log");
        this.children = children;
        this.marker = "crash.role=app-" + runName + "-" + name;
        Map<String, String> env = new LinkedHashMap<>();
        if (!"worker".equals(role)) {
            // as deploy/ does it: a worker gets no database and no admin token
            env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrlForApps());
            env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrlForApps());
            env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
            env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
            env.put("EMOGG_ADMIN_TOKEN", ADMIN_TOKEN);
        }
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap());
        env.put("EMOGG_TOPICS_REPLICATION_FACTOR", Integer.toString(kafka.brokers.size()));
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        // the api's consumer commits what it applied every second rather than 5: the test reads its progress from the group's offsets
        env.put("KAFKA_AUTO_COMMIT_INTERVAL_MS", "1000");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("EMOGG_ROLE", role);
        env.put("EMOGG_WORKER_MEDIA_DIR", runDir.resolve("media-" + name).toString());
        env.put("EMOGG_RATE_LIMIT_ENABLED", "false");
        env.put("EMOGG_WORKER_ID", runName + "-" + name);
        env.put("EMOGG_RECONCILER_INTERVAL", "PT1S");
        env.put("EMOGG_RECONCILER_STOP_DEADLINE", "PT5S");
        env.put("EMOGG_RECONCILER_HEARTBEAT_DEADLINE", "PT30S");
        env.put("EMOGG_WORKER_HEARTBEAT_INTERVAL", "PT2S");
        env.put("EMOGG_WORKER_PROBE_INTERVAL", "PT1S");
        env.put("EMOGG_RELAY_POLL_INTERVAL", "PT0.2S");
        env.put("EMOGG_RELAY_LEADER_RETRY", "PT1S");
        env.put("EMOGG_RELAY_BACKOFF_MAX", "PT2S");
        // a leader cut off from the broker steps down 10 s after its first attempt that failed, each attempt failing within 8 s;
        // one cut off from PostgreSQL loses its lock within 6 s; a query that hears nothing for 5 s fails (a 503)
        env.put("EMOGG_RELAY_SEND_TIMEOUT", "PT8S");
        env.put("EMOGG_RELAY_LEAD_WITHOUT_BROKER", "PT10S");
        env.put("EMOGG_RELAY_LOCK_TIMEOUT", "PT6S");
        env.put("EMOGG_DATABASE_READ_TIMEOUT", "PT5S");
        env.put("EMOGG_HTTP_REQUEST_DEADLINE", "PT9S");
        // prod mode refuses internal addresses; the test's stream server is on the loopback, or on the root's address of the test hosts
        env.put("EMOGG_WORKER_ALLOWED_NETWORKS", "127.0.0.0/8,10.213.0.0/16");
        this.environment = env;
    }

    /**
     * Only these settings of the environment, and nothing inherited from the test's own (but the
     * path to the executables): what an operator gives a process that needs nothing else.
     */
    AppProcess only(String... names) {
        environment.keySet().retainAll(List.of(names));
        bare = true;
        return this;
    }

    /** One more setting of the environment, for the next start. */
    AppProcess with(String name, String value) {
        environment.put(name, value);
        return this;
    }

    String workerId() {
        return environment.get("EMOGG_WORKER_ID");
    }

    URI uri(String path) {
        return URI.create("http://" + host.address() + ":" + port + path);
    }

    /** Launches the process and waits until it is ready: the api's readiness (its database), a worker's liveness. */
    void start() {
        starting = true;
        try {
            launchAndAwaitReady();
        } finally {
            starting = false;
        }
    }

    /** Restarts on another thread; {@link #starting()} is true from this call on. */
    java.util.concurrent.CompletableFuture<Void> restartInBackground() {
        starting = true;
        return java.util.concurrent.CompletableFuture.runAsync(this::start);
    }

    boolean starting() {
        return starting;
    }

    private void launchAndAwaitReady() {
        long launched = System.nanoTime();
        List<String> command = host.command(List.of(TestClasspath.javaBinary(), "-Xmx384m", "-D" + marker, "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(projectDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (bare) {
            String path = builder.environment().get("PATH");
            builder.environment().clear();
            builder.environment().put("PATH", path);
        }
        builder.environment().putAll(environment);
        try {
            Files.writeString(log, "---- " + Instant.now() + " start " + name + " (" + role + ")\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = children.start(name, builder, marker);
        process = started;
        String health = role.equals("worker") ? "/q/health/live" : "/q/health/ready";
        long deadline = launched + Duration.ofSeconds(180).toNanos();
        while (status(health) != 200) {
            if (!started.isAlive()) {
                throw new IllegalStateException(name + " exited with " + started.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready within 180 s; see " + log);
            }
            Sleep.millis(100);
        }
        Log.line("%s (%s) ready on :%d in %d ms (pid %d)", name, role, port, (System.nanoTime() - launched) / 1_000_000, started.pid());
    }

    void restart() {
        start();
    }

    /** SIGKILL: no shutdown hook, no relay drain, no consumer leaving its group. */
    void kill() {
        Process current = process;
        ChildProcesses.kill(current.toHandle());
        Log.line("%s (pid %d) killed with SIGKILL", name, current.pid());
    }

    /** SIGTERM, what an orchestrator sends first: the graceful shutdown runs. Does not wait for the exit. */
    void terminate() {
        process.destroy();
        Log.line("%s (pid %d) sent SIGTERM", name, process.pid());
    }

    /** Waits up to {@code within} for the process to exit; its exit code, or empty if it still runs. */
    java.util.OptionalInt awaitExit(Duration within) {
        try {
            Process current = process;
            return current.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    ? java.util.OptionalInt.of(current.exitValue()) : java.util.OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean alive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** One Prometheus sample of {@code /q/metrics}, or NaN when absent or the process does not answer. */
    double metric(String name) {
        try {
            String body = http.send(HttpRequest.newBuilder(uri("/q/metrics")).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** The sessions a worker runs now (its readiness check's data), or -1 when it does not answer. */
    int runningSessions() {
        try {
            String body = http.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher sessions = java.util.regex.Pattern.compile("\"sessions\"\\s*:\\s*(\\d+)").matcher(body);
            return sessions.find() ? Integer.parseInt(sessions.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** True when this replica's relay holds the lock and publishes. */
    boolean relayLeader() {
        return metric("emogg_relay_leader") == 1.0;
    }

    Path log() {
        return log;
    }

    @Override
    public String toString() {
        return name;
    }
}
