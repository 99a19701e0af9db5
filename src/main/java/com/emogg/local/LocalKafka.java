package com.emogg.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running inside
 * this JVM, from the broker jars of the version matching the application's Kafka client.
 *
 * <p>Tests that need a broker outage stop and start it through {@link LocalKafkaOutage}.
 */
final class LocalKafka {

    /** The brokers this class loader started, by profile; see {@link LocalKafkaOutage} for who reads it. */
    static final Map<LocalProfile, LocalKafka> STARTED = new ConcurrentHashMap<>();

    private static final Logger LOG = Logger.getLogger("com.emogg.local");

    private final Path dir;
    private final Properties config;
    private final int port;
    private KafkaRaftServer server;

    private LocalKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.config = brokerConfig(dir.resolve("logs"), port, controllerPort);
    }

    static Map<String, String> ensureStarted(LocalSettings settings) {
        String key = settings.profile().stateKey("kafka");
        synchronized (key.intern()) {
            String bootstrap = System.getProperty(key + ".bootstrap");
            if (bootstrap == null) {
                long started = System.nanoTime();
                int port = LocalPorts.claim(settings.kafkaPort(), "Kafka broker", "emogg.local.kafka-port");
                int controllerPort = LocalPorts.claim(settings.kafkaControllerPort(), "Kafka controller", "emogg.local.kafka-port");
                LocalKafka broker = new LocalKafka(settings.instanceDir().resolve("kafka"), port, controllerPort);
                broker.format();
                broker.start();
                LocalShutdown.onExit("kafka", broker::stop);
                bootstrap = "127.0.0.1:" + port;
                System.setProperty(key + ".bootstrap", bootstrap);
                STARTED.put(settings.profile(), broker);
                LOG.infof("local Kafka broker (%s) started on %s in %d ms, data in %s", settings.profile().name().toLowerCase(),
                        bootstrap, (System.nanoTime() - started) / 1_000_000, broker.dir);
            }
            return Map.of("kafka.bootstrap.servers", bootstrap);
        }
    }

    /** Starts the broker, on the same ports and data after a {@link #stop}. */
    synchronized void start() {
        if (server == null) {
            LocalThreads.runWithLoaderOf(KafkaRaftServer.class, "emogg-local-kafka-start", () -> {
                KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
                raftServer.startup();
                server = raftServer;
            });
        }
    }

    synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.infof("local Kafka broker on 127.0.0.1:%d stopped", port);
        }
    }


    /** Formats the storage once; a persistent local run finds it formatted from its first start. */
    private void format() {
        Path logs = dir.resolve("logs");
        if (Files.exists(logs.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logs);
            Path file = dir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(file)) {
                config.store(out, "local single-node KRaft broker, written by " + LocalKafka.class.getName());
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            // execute, not main: main ends the JVM
            int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IllegalStateException("formatting the local Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties brokerConfig(Path logs, int port, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", logs.toString());
        // the application creates its topics, with their partitions and clean-up policies
        props.put("num.partitions", "6");
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // the default 128 MiB compaction buffer is heap this small broker never needs
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return props;
    }
}
