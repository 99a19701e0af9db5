package com.emogg.platform.runtime;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Derives what a role switches on and off from {@code EMOGG_ROLE}, so operators set one variable:
 * the datasource (only the api has one) and the Kafka channels of each side.
 * (The environment-variable form of a channel key with a dash, such as
 * {@code MP_MESSAGING_INCOMING_WORKER_STATES_IN_ENABLED}, is ambiguous to the config system.)
 * A low ordinal: an explicit setting still wins.
 */
public final class RoleConfigSourceFactory implements ConfigSourceFactory {

    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue configured = context.getValue("emogg.role");
        Role role;
        try {
            role = Role.parse(configured == null || configured.getValue() == null ? "all" : configured.getValue());
        } catch (IllegalArgumentException e) {
            return List.of(); // RoleConfig refuses to start with the message
        }
        String api = Boolean.toString(role.servesApi());
        String worker = Boolean.toString(role.runsWorkers());
        // Both values are always given: the factory also runs at build time, and what it says there is
        // recorded as a default, which the value it gives at run time must override either way.
        return List.of(new PropertiesConfigSource(Map.of(
                // only the api has a database: a worker runs on Kafka alone (no pool, no Flyway)
                "quarkus.datasource.active", api,
                // the api applies the workers' reports and writes watermarks (its relay has a producer of its own)
                "mp.messaging.incoming.worker-states-in.enabled", api,
                "mp.messaging.outgoing.report-watermarks.enabled", api,
                // the worker reports, and sets aside the commands it cannot read
                "mp.messaging.outgoing.worker-states.enabled", worker,
                "mp.messaging.outgoing.session-commands-dlq.enabled", worker),
                "emogg-role", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
