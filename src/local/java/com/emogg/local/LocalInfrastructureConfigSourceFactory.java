package com.emogg.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Starts a real PostgreSQL server and a real Kafka broker for the {@code dev} and {@code test}
 * profiles when none is configured, and hands their addresses to Quarkus as configuration.
 *
 * <p>Why a config source factory: it is the only hook that runs before Quarkus reads the
 * datasource and Kafka settings in all three of dev mode, {@code @QuarkusTest} and continuous
 * testing, without Docker (Dev Services) and without a Quarkus extension of our own.
 *
 * <p>The servers come from {@code provided} dependencies, absent from the production jar. In the
 * {@code prod} profile this class returns nothing before touching any of their types, so the
 * packaged application only ever uses what the environment configures.
 */
public final class LocalInfrastructureConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 150;
    private static final Logger LOG = Logger.getLogger("com.emogg.local");
    private static final String POSTGRES_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    private static final String KAFKA_CLASS = "kafka.server.KafkaRaftServer";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        LocalProfile profile = LocalProfile.of(context.getProfiles());
        if (profile == null || "false".equalsIgnoreCase(value(context, "emogg.local.enabled"))) {
            return List.of();
        }
        boolean postgres = isBlank(value(context, "quarkus.datasource.reactive.url")) && onClassPath(POSTGRES_CLASS);
        boolean kafka = isBlank(value(context, "kafka.bootstrap.servers")) && onClassPath(KAFKA_CLASS);
        if (!postgres && !kafka) {
            return List.of();
        }
        try {
            return List.of(start(profile, postgres, kafka, LocalSettings.read(profile, name -> value(context, name))));
        } catch (RuntimeException | Error e) {
            // Quarkus has not set up logging yet at this point: a logged error could vanish
            System.err.println("[emogg] the local " + (postgres ? "PostgreSQL/" : "") + (kafka ? "Kafka" : "")
                    + " infrastructure did not start: " + e);
            e.printStackTrace();
            throw e;
        }
    }

    private static ConfigSource start(LocalProfile profile, boolean postgres, boolean kafka, LocalSettings settings) {
        // The two servers start in parallel: together they take about as long as the slower one.
        CompletableFuture<Map<String, String>> kafkaConfig = kafka
                ? CompletableFuture.supplyAsync(() -> LocalKafka.ensureStarted(settings))
                : CompletableFuture.completedFuture(Map.of());
        Map<String, String> config = new HashMap<>();
        if (postgres) {
            config.putAll(LocalPostgres.ensureStarted(settings));
        }
        config.putAll(kafkaConfig.join());
        return new PropertiesConfigSource(config, "emogg-local-infrastructure", ORDINAL);
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, LocalInfrastructureConfigSourceFactory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debugf("%s is not on the class path: no local server of that kind", className);
            return false;
        }
    }
}
