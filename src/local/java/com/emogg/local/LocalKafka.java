package com.emogg.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.utils.Time;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

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
        this.config = SingleNodeKafka.config(dir.resolve("logs"), port, controllerPort);
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
        if (Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        SingleNodeKafka.format(config, dir.resolve("server.properties"), "local single-node KRaft broker, written by " + LocalKafka.class.getName());
    }

}
