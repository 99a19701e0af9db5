package com.emogg.platform.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/** The process's {@link Role}, and the settings a role cannot start without (a worker needs only Kafka). */
@ApplicationScoped
public class RoleConfig {

    private final Role role;
    private final Optional<String> adminToken;
    private final Map<String, Optional<String>> database;

    public RoleConfig(@ConfigProperty(name = "emogg.role", defaultValue = "all") String role,
            @ConfigProperty(name = "emogg.admin-token") Optional<String> adminToken,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username) {
        this.role = Role.parse(role);
        this.adminToken = adminToken.filter(token -> !token.isBlank());
        this.database = new LinkedHashMap<>();
        database.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl);
        database.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        database.put("QUARKUS_DATASOURCE_USERNAME", username);
    }

    @Produces
    Role role() {
        return role;
    }

    void check(@Observes StartupEvent startup) {
        if (role.servesApi() && adminToken.isEmpty()) {
            throw new IllegalStateException("EMOGG_ADMIN_TOKEN is required when EMOGG_ROLE is " + role.name().toLowerCase()
                    + ": it guards the token administration API (/admin/v1/tokens)");
        }
        if (role.servesApi() && adminToken.get().length() < 16) {
            throw new IllegalStateException("EMOGG_ADMIN_TOKEN must be at least 16 characters long");
        }
        // a worker has no database; the api cannot do without one (Flyway alone would skip quietly)
        List<String> missing = database.entrySet().stream().filter(setting -> setting.getValue().filter(value -> !value.isBlank()).isEmpty())
                .map(Map.Entry::getKey).toList();
        if (role.servesApi() && !missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing) + " required when EMOGG_ROLE is " + role.name().toLowerCase()
                    + ": the api keeps the sessions in PostgreSQL");
        }
    }
}
