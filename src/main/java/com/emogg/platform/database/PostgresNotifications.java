package com.emogg.platform.database;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * PostgreSQL {@code LISTEN} for this replica, on one dedicated connection that reconnects by
 * itself. What one replica commits, every replica hears: token revocations, worker state changes.
 * Notifications sent while the connection is down are lost, so listeners also learn when it comes
 * back ({@link #onReconnect}) and must not trust what they cached meanwhile ({@link #isListening}).
 */
@ApplicationScoped
public class PostgresNotifications {

    private static final Logger LOG = Logger.getLogger(PostgresNotifications.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private volatile PgSubscriber subscriber;
    private volatile boolean listening;

    public PostgresNotifications(Vertx vertx, PgConnectOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    /** Calls {@code listener} with the payload of every notification on {@code channel}. */
    public synchronized void listen(String channel, Consumer<String> listener) {
        boolean first = !listeners.containsKey(channel);
        listeners.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(listener);
        if (subscriber == null) {
            connect();
        } else if (first) {
            subscribe(subscriber, channel);
        }
    }

    /** Called each time the connection is back after a loss: what was cached meanwhile may be stale. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** True while notifications arrive; false while the connection is down. */
    public boolean isListening() {
        return listening;
    }

    private void connect() {
        PgSubscriber created = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(attempt -> Math.min(5_000L, 200L * (attempt + 1)));
        created.closeHandler(() -> {
            if (listening) {
                LOG.warn("the PostgreSQL notification connection was lost; reconnecting");
            }
            listening = false;
        });
        listeners.keySet().forEach(channel -> subscribe(created, channel));
        subscriber = created;
        created.connect()
                .onFailure().invoke(failure -> LOG.debugf("PostgreSQL notifications not connected yet: %s", failure.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely()
                .subscribe().with(connected -> { }, failure -> LOG.errorf("PostgreSQL notifications gave up: %s", failure.getMessage()));
    }

    private void subscribe(PgSubscriber target, String channel) {
        target.channel(channel)
                .subscribeHandler(() -> {
                    boolean reconnected = !listening;
                    listening = true;
                    if (reconnected) {
                        reconnectListeners.forEach(Runnable::run);
                    }
                })
                .handler(payload -> listeners.getOrDefault(channel, List.of()).forEach(listener -> listener.accept(payload)));
    }

    @PreDestroy
    void close() {
        PgSubscriber current = subscriber;
        if (current != null) {
            current.closeAndForget();
        }
    }
}
