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
 * Derives the messaging switches of a role from {@code EMOGG_ROLE}, so operators set one variable.
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
        return List.of(new PropertiesConfigSource(Map.of(
                // the api applies the workers' reports
                "mp.messaging.incoming.worker-states-in.enabled", Boolean.toString(role.servesApi())),
                "emogg-role", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
