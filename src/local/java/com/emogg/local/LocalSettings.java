package com.emogg.local;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where the local servers keep their files and which ports they listen on.
 *
 * <p>The local run ({@code dev}) keeps its data in a git-ignored folder so sessions survive a
 * restart, on fixed ports so {@code psql} and Kafka tools can be pointed at it. Tests get fresh
 * data and free ports on every run.
 */
record LocalSettings(LocalProfile profile, Path root, Path instanceDir, boolean persistent,
                     int postgresPort, int kafkaPort, int kafkaControllerPort) {

    static LocalSettings read(LocalProfile profile, Function<String, String> config) {
        if (profile == LocalProfile.DEV) {
            Path root = path(config.apply("emogg.local.data-dir"), ".emogg");
            int kafkaPort = port(config.apply("emogg.local.kafka-port"), 19092);
            return new LocalSettings(profile, root, root, true,
                    port(config.apply("emogg.local.postgres-port"), 15432), kafkaPort, kafkaPort + 1);
        }
        Path root = path(config.apply("emogg.local.test-dir"), "target/local-infra");
        Path instance = root.resolve("test-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        return new LocalSettings(profile, root, instance, false, 0, 0, 0);
    }

    /** Extracted PostgreSQL binaries are shared by every instance under the same root. */
    Path postgresBinaries() {
        return root.resolve("postgres-binaries");
    }

    private static Path path(String configured, String fallback) {
        String value = configured == null || configured.isBlank() ? fallback : configured;
        return Path.of(value).toAbsolutePath().normalize();
    }

    private static int port(String configured, int fallback) {
        return configured == null || configured.isBlank() ? fallback : Integer.parseInt(configured.trim());
    }
}
