package com.emogg.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import com.emogg.local.SingleNodeKafka;
import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Ports;
import com.emogg.testing.Sleep;

/**
 * One node of the crash matrix's KRaft cluster ({@link KafkaCluster}): broker and controller in a JVM
 * of its own, on a test host of its own ({@link Network}), so that it can be SIGKILLed and restarted
 * on the same log directory and ports like a crashed broker, or cut off from the others. The storage
 * is formatted once; a restart runs the very same command and recovers its logs.
 */
final class KafkaBroker implements AutoCloseable {

    final int nodeId;
    final Network.Host host;
    final int port;
    final int controllerPort;
    private final Path dir;
    private final ChildProcesses children;
    private final String marker;
    private Process process;

    KafkaBroker(int nodeId, Network.Host host, Path runDir, ChildProcesses children, String runName) {
        this.nodeId = nodeId;
        this.host = host;
        this.dir = runDir.resolve("kafka-" + nodeId);
        this.children = children;
        this.marker = "crash.role=kafka-" + runName + "-" + nodeId;
        this.port = Ports.free();
        this.controllerPort = Ports.free();
    }

    String bootstrap() {
        return host.address() + ":" + port;
    }

    String voter() {
        return nodeId + "@" + host.address() + ":" + controllerPort;
    }

    /** Formats the storage (with the cluster's id and voters) and starts the broker. */
    void start(String clusterId, String voters, int replicas) {
        Path logs = dir.resolve("logs");
        Path config = dir.resolve("server.properties");
        Properties props = SingleNodeKafka.config(logs, port, controllerPort);
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://" + host.address() + ":" + port + ",CONTROLLER://" + host.address() + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host.address() + ":" + port);
        // production's replication: 3 replicas, writes acknowledged by 2 at least (acks=all)
        String factor = Integer.toString(replicas);
        String minInSync = Integer.toString(Math.min(2, replicas));
        props.put("default.replication.factor", factor);
        props.put("min.insync.replicas", minInSync);
        props.put("offsets.topic.replication.factor", factor);
        props.put("transaction.state.log.replication.factor", factor);
        props.put("transaction.state.log.min.isr", minInSync);
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", factor);
        props.put("share.coordinator.state.topic.min.isr", minInSync);
        props.put("unclean.leader.election.enable", "false");
        // a dead or cut-off follower leaves the in-sync replicas after 10 s rather than 30 s, like the matrix's other
        // shortened timeouts: until then an acks=all write waits for it
        props.put("replica.lag.time.max.ms", "10000");
        // the controller fences a silent node (and moves its partitions' leadership) after 6 s rather than 9 s
        props.put("broker.session.timeout.ms", "6000");
        props.put("broker.heartbeat.interval.ms", "1000");
        SingleNodeKafka.format(props, config, "node " + nodeId + " of the crash matrix's KRaft cluster", clusterId);
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
        List<String> command = host.command(List.of(TestClasspath.javaBinary(), "-Xms128m", "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-D" + marker, "@" + dir.resolve("java.args"), "kafka.Kafka",
                dir.resolve("server.properties").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling("kafka-" + nodeId + ".log").toFile()));
        Process started0 = children.start("kafka-" + nodeId, builder, marker);
        process = started0;
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (!answers(Duration.ofSeconds(5))) {
            if (!started0.isAlive()) {
                throw new IllegalStateException("Kafka node " + nodeId + " exited with " + started0.exitValue() + " (see kafka-" + nodeId + ".log)");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka node " + nodeId + " did not answer within 300 s (see kafka-" + nodeId + ".log)");
            }
            Sleep.millis(200);
        }
        Log.line("Kafka node %d up on %s in %d ms (pid %d)", nodeId, bootstrap(), (System.nanoTime() - started) / 1_000_000, started0.pid());
    }

    /** True when this broker itself answers a metadata request (it is up and knows the cluster). */
    boolean answers(Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            return !admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** SIGKILL: no controlled shutdown, no flush, as a crash. */
    synchronized void kill() {
        long pid = process.pid();
        ChildProcesses.kill(process.toHandle());
        Log.line("Kafka node %d (pid %d) killed with SIGKILL", nodeId, pid);
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

    @Override
    public String toString() {
        return "kafka-" + nodeId;
    }
}
