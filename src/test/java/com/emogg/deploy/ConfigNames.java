package com.emogg.deploy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;

/** Whether an environment variable names a setting the application has (or a container runtime's own). */
final class ConfigNames {

    /** Read by the container image's launcher, not by the application. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("JAVA_OPTS_APPEND", "JAVA_OPTS", "JAVA_APP_JAR", "LANGUAGE");

    private final Set<String> known = new HashSet<>();

    ConfigNames() {
        for (String name : ConfigProvider.getConfig().getPropertyNames()) {
            known.add(normalize(name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name));
        }
    }

    boolean exists(String environmentVariable) {
        return RUNTIME_VARIABLES.contains(environmentVariable) || known.contains(normalize(environmentVariable));
    }

    /** EMOGG_RELAY_DRAIN_TIMEOUT and emogg.relay.drain-timeout both become emoggrelaydraintimeout. */
    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
