package com.emogg.platform.runtime;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/** The process's {@link Role}, and the settings a role cannot start without. */
@ApplicationScoped
public class RoleConfig {

    private final Role role;
    private final Optional<String> adminToken;

    public RoleConfig(@ConfigProperty(name = "emogg.role", defaultValue = "all") String role,
            @ConfigProperty(name = "emogg.admin-token") Optional<String> adminToken) {
        this.role = Role.parse(role);
        this.adminToken = adminToken.filter(token -> !token.isBlank());
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
    }
}
