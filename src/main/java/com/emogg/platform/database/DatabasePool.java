package com.emogg.platform.database;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The reactive pool as Quarkus configures it, plus bounded waits: while PostgreSQL is down or
 * restarting, a request fails within seconds (a 503 with Retry-After) instead of hanging on a
 * connection attempt or on a pool that has no connection to give. And when the network to it is cut
 * (packets dropped, nothing refused), a pooled connection that hears nothing from the server for
 * {@code EMOGG_DATABASE_READ_TIMEOUT} is closed: the query on it fails (a 503) rather than wait for
 * the kernel's retransmissions (a quarter of an hour), and the pool opens fresh ones once the network
 * is back. An idle pooled connection goes the same way, and is opened again when needed. Prepared
 * statements are kept per connection ({@code quarkus.datasource.reactive.cache-prepared-statements}),
 * long ones too.
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    /** The longest statement text whose preparation each connection keeps. */
    static final int STATEMENT_CACHE_SQL_LIMIT = 8192;

    private final Duration connectTimeout;
    private final Duration waitForConnection;
    private final Duration readTimeout;

    public DatabasePool(@ConfigProperty(name = "emogg.database.connect-timeout", defaultValue = "PT2S") Duration connectTimeout,
            @ConfigProperty(name = "emogg.database.wait-for-connection", defaultValue = "PT3S") Duration waitForConnection,
            @ConfigProperty(name = "emogg.database.read-timeout", defaultValue = "PT30S") Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.waitForConnection = waitForConnection;
        this.readTimeout = readTimeout;
    }

    @Override
    public Pool create(Input input) {
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) connectTimeout.toMillis());
            options.setReadIdleTimeout((int) readTimeout.toMillis());
            options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            // the statements of a stop, a create and a rate-limit lease are 1.4 to 2.3 KB, over the client's 2 KB
            // default: cached too, so PostgreSQL plans them once per connection instead of at every execution
            options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
        }
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout((int) waitForConnection.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // The read timeout counts from the last byte read, idle time included: a connection handed out just before its
        // idle time reached it would be closed under the statement just sent (a 503 for nothing). So the pool closes
        // idle connections first, at half of it (never one in use), and the read timeout only ever ends a statement
        // that waited that long for its answer.
        long idle = readTimeout.toMillis() / 2;
        long configured = pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout());
        pool.setIdleTimeout((int) Math.max(1, configured > 0 ? Math.min(configured, idle) : idle))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setPoolCleanerPeriod((int) Math.max(50, Math.min(1000, readTimeout.toMillis() / 10)));
        return PgBuilder.pool().with(pool).connectingTo(new java.util.ArrayList<io.vertx.sqlclient.SqlConnectOptions>(
                input.pgConnectOptionsList())).using(input.vertx()).build();
    }
}
