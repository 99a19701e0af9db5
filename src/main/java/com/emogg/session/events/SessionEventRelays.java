package com.emogg.session.events;

import java.time.Clock;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.common.Role;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;

/** Runs this process's relay in the api role: started with the application, drained before it stops. */
@ApplicationScoped
public class SessionEventRelays {

    private final Vertx vertx;
    private final Pool pool;
    private final SessionEventPublisher publisher;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final Role role;
    private final PgConnectOptions connectOptions;
    private volatile SessionEventRelay relay;

    public SessionEventRelays(Vertx vertx, Pool pool, SessionEventPublisher publisher, RelayConfig config, RelayMetrics metrics,
            Clock clock, Role role,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.pool = pool;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.role = role;
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.connectOptions = options;
    }

    void start(@Observes StartupEvent startup) {
        if (role.servesApi() && config.enabled()) {
            relay = create("main");
            relay.start();
        }
    }

    /** Early among the shutdown observers: the relay still needs the database and the broker to drain. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        SessionEventRelay running = relay;
        if (running != null) {
            running.stop(config.drainTimeout());
        }
    }

    /** This process's relay, or empty in the worker role or when switched off. */
    public Optional<SessionEventRelay> current() {
        return Optional.ofNullable(relay);
    }

    /** A relay of its own (not started): what another replica would run, for tests and tools. */
    public SessionEventRelay create(String name) {
        return new SessionEventRelay(name, vertx, connectOptions, pool, publisher, config, metrics, clock);
    }
}
