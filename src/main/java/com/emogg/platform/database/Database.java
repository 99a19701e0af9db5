package com.emogg.platform.database;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.InjectableInstance;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The api's PostgreSQL, for the beans that use it. They ask it for the pool rather than inject the
 * pool: a worker runs with no datasource at all ({@code quarkus.datasource.active=false}, see
 * {@code RoleConfigSourceFactory}), and Quarkus refuses to start when an inactive pool is injected
 * into any bean, even one the worker never creates.
 */
@ApplicationScoped
public class Database {

    private final InjectableInstance<Pool> pool;

    public Database(InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /** The pool; only where the api runs. */
    public Pool pool() {
        return pool.get();
    }
}
