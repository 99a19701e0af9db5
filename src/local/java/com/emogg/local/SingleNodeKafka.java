package com.emogg.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;

import kafka.tools.StorageTool;

/**
 * The settings and storage of a single-node KRaft broker (broker and controller in one), shared by
 * the in-process broker of the local run and tests ({@link LocalKafka}) and the broker processes of
 * the crash matrix and the benchmarks, so that all of them run the same broker.
 */
public final class SingleNodeKafka {

    private SingleNodeKafka() {
    }

    public static Properties config(Path logs, int port, int controllerPort) {
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

    /** Writes {@code config} to {@code file} and formats the storage it names, as {@code kafka-storage.sh format} does. */
    public static void format(Properties config, Path file, String comment) {
        format(config, file, comment, Uuid.randomUuid().toString());
    }

    /** The same, for one node of a cluster: every node of a cluster is formatted with the cluster's id. */
    public static void format(Properties config, Path file, String comment, String clusterId) {
        try {
            Files.createDirectories(Path.of(config.getProperty("log.dirs")));
            try (var out = Files.newBufferedWriter(file)) {
                config.store(out, comment);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            // execute, not main: main ends the JVM
            int status = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", file.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IllegalStateException("formatting the Kafka storage in " + file.getParent() + " failed: "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
