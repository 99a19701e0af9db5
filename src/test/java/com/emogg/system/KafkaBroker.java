package com.emogg.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import com.emogg.local.SingleNodeKafka;
import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Ports;

/**
 * A single-node KRaft Kafka broker (broker and controller, the settings of
 * {@code com.emogg.local.LocalKafka}) in a JVM of its own, so that it can be SIGKILLed and restarted
 * on the same log directory and ports like a crashed broker. The storage is formatted once; a restart
 * runs the very same command and recovers its logs.
 */
final class KafkaBroker implements AutoCloseable {

    private final Path dir;
    private final ChildProcesses children;
    private final String marker;
    private final int port;
    private final int controllerPort;
    private Process process;

    KafkaBroker(Path dir, ChildProcesses children, String runName) {
        this.dir = dir.resolve("kafka");
        this.children = children;
        this.marker = "crash.role=kafka-" + runName;
        this.port = Ports.free();
        this.controllerPort = Ports.free();
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage and starts the broker. */
    void start() {
        Path logs = dir.resolve("logs");
        Path config = dir.resolve("server.properties");
        SingleNodeKafka.format(SingleNodeKafka.config(logs, port, controllerPort), config, "single-node KRaft broker of the crash matrix");
        try {
            // the class path in an argument file: a command line stays readable, and below the kernel's per-argument limit
            Files.writeString(dir.resolve("java.args"), "-cp \"" + String.join(File.pathSeparator, TestClasspath.entries()) + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch();
    }

    /** The same command on the same storage and ports, after {@link #kill()}. */
    void restart() {
        launch();
    }

    private synchronized void launch() {
        long started = System.nanoTime();
        // infrastructure, not the application under test: C1 only and the serial collector start it faster on 2 shared cores
        ProcessBuilder builder = new ProcessBuilder(TestClasspath.javaBinary(), "-Xms256m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-D" + marker,
                "@" + dir.resolve("java.args"), "kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling("kafka.log").toFile()));
        Process started0 = children.start("kafka", builder, marker);
        process = started0;
        Ports.awaitListening(port, Duration.ofSeconds(120), "the Kafka broker (see kafka.log)", started0::isAlive);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka broker does not answer (see kafka.log)", e);
        }
        Log.line("Kafka broker up on %s in %d ms (pid %d)", bootstrap(), (System.nanoTime() - started) / 1_000_000, started0.pid());
    }

    /** SIGKILL: no controlled shutdown, no flush, as a crash. */
    synchronized void kill() {
        long pid = process.pid();
        ChildProcesses.kill(process.toHandle());
        Log.line("Kafka broker (pid %d) killed with SIGKILL", pid);
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            ChildProcesses.kill(process.toHandle());
        }
    }
}
