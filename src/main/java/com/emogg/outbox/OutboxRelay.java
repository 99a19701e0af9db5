package com.emogg.outbox;

import java.time.Clock;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.interceptor.Interceptor;

import com.emogg.platform.database.Database;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;

/** This process's relay, in the api role: started with the application, drained before it stops. */
@ApplicationScoped
public class OutboxRelay {

    private final Vertx vertx;
    private final Pool pool;
    private final EventPublisher publisher;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final PgConnectOptions connectOptions;
    private volatile RelayLoop relay;

    public OutboxRelay(Vertx vertx, Database database, EventPublisher publisher, RelayConfig config, RelayMetrics metrics, Clock clock,
            PgConnectOptions connectOptions) {
        this.vertx = vertx;
        this.pool = database.pool();
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.connectOptions = connectOptions;
    }

    /** Starts the relay (unless switched off); called at start-up in the api role. */
    public synchronized void start() {
        if (config.enabled() && relay == null) {
            relay = loop("main");
            relay.start();
        }
    }

    /**
     * Early among the shutdown observers: the relay still needs the database and the broker to drain.
     * Only when this bean exists: a worker process never creates it.
     */
    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        RelayLoop running = relay;
        if (running != null) {
            running.stop(config.drainTimeout());
        }
    }

    /** A relay loop on this process's connections, not started. */
    RelayLoop loop(String name) {
        return new RelayLoop(name, vertx, connectOptions, pool, publisher, config, metrics, clock);
    }

    /** This process's relay, or empty in the worker role or when switched off. */
    public Optional<RelayLoop> current() {
        return Optional.ofNullable(relay);
    }
}
