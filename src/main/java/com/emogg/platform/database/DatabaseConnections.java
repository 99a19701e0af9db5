package com.emogg.platform.database;

import java.util.Optional;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.pgclient.PgConnectOptions;

/**
 * Options for the few dedicated database connections outside the pool (the relay's lock, the
 * LISTEN of notifications), from the same settings as the pool.
 */
@Dependent
public class DatabaseConnections {

    @Produces
    PgConnectOptions options(@ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        // optional: a worker has no database, and Quarkus checks every injection point at start
        String url = reactiveUrl.orElseThrow(() -> new IllegalStateException("no database is configured in this role"));
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        return options;
    }
}
