package com.emogg.platform.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.emogg.platform.database.Database;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Per-user token buckets kept in PostgreSQL, so every replica draws from the same bucket: one
 * atomic upsert per request refills the bucket for the time elapsed, then takes the request's
 * cost if it fits. A refused request takes nothing.
 */
@ApplicationScoped
public class RateLimiter {

    /** $1 user id, $2 capacity, $3 refill per second, $4 cost: the bucket's tokens afterwards, and whether the cost was taken. */
    public static final String TAKE = "insert into rate_limits as r (user_id, tokens, updated_at, allowed) "
            + "values ($1, $2::float8 - $4::float8, now(), true) on conflict (user_id) do update set "
            + "allowed = least($2::float8, r.tokens + extract(epoch from now() - r.updated_at) * $3::float8) >= $4::float8, "
            + "tokens = least($2::float8, r.tokens + extract(epoch from now() - r.updated_at) * $3::float8) - case when "
            + "least($2::float8, r.tokens + extract(epoch from now() - r.updated_at) * $3::float8) >= $4::float8 "
            + "then $4::float8 else 0 end, updated_at = now() returning tokens, allowed";

    private final Pool database;
    private final RateLimitConfig config;

    @Inject
    public RateLimiter(Database database, RateLimitConfig config) {
        this(database.pool(), config);
    }

    /** On a pool of its own: what another replica would be, for a test. */
    public RateLimiter(Pool database, RateLimitConfig config) {
        this.database = database;
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public Uni<Quota> take(String userId) {
        return database.preparedQuery(TAKE)
                .execute(Tuple.of(userId, (double) config.capacity(), config.refillPerSecond(), (double) config.cost()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Quota(row.getBoolean(1), row.getDouble(0), config.capacity(), config.refillPerSecond(), config.cost());
                });
    }
}
