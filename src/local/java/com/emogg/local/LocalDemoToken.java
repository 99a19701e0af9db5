package com.emogg.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.emogg.platform.auth.TokenService;
import com.emogg.platform.auth.Tokens;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * The local run's ready-to-use token, so a newcomer can call the API right after
 * {@code ./mvnw quarkus:dev}: {@code EMOGG_DEMO_TOKEN} when set, otherwise one generated on the first
 * run and kept in the local data folder (git-ignored) for the next ones. Absent from other profiles:
 * production never accepts a token from configuration.
 */
@IfBuildProfile("dev")
@Singleton
public class LocalDemoToken {

    static final String DEMO_USER = "64656d6f0000000000000001";
    static final String DEMO_PRODUCT = "64656d6f0000000000000002";
    private static final Logger LOG = Logger.getLogger(LocalDemoToken.class);

    void announce(@Observes StartupEvent startup, TokenService tokens, LocalDemoStream stream,
            @ConfigProperty(name = "emogg.demo-token") Optional<String> configured,
            @ConfigProperty(name = "emogg.local.data-dir", defaultValue = ".emogg") String dataDir,
            @ConfigProperty(name = "quarkus.http.port") int port,
            @ConfigProperty(name = "emogg.admin-token") String adminToken) throws Throwable {
        String token = configured.filter(value -> !value.isBlank()).orElseGet(() -> stored(Path.of(dataDir, "demo-token")));
        VertxContextSupport.subscribeAndAwait(() -> tokens.ensure(DEMO_USER, DEMO_PRODUCT, token));
        String base = "http://localhost:" + port;
        LOG.infof("""

                Emogg sessions API is up on %1$s (OpenAPI: %1$s/q/swagger-ui)
                  demo token:  %2$s
                  admin token: %3$s

                  curl -s -X POST %1$s/v1/sessions -H 'Authorization: Bearer %2$s' \\
                       -H 'Content-Type: application/json' -d '{"name": "My first session", "streamUri": "%4$s"}'
                  curl -s %1$s/v1/sessions -H 'Authorization: Bearer %2$s'

                  %4$s is a demo stream on loopback: its session's worker reaches "working".
                """, base, token, adminToken, stream.uri());
    }

    private static String stored(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String token = Files.readString(file).trim();
                if (!token.isEmpty()) {
                    return token;
                }
            }
            String token = Tokens.generate();
            Files.createDirectories(file.getParent());
            Files.writeString(file, token + "\n");
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the demo token in " + file, e);
        }
    }
}
