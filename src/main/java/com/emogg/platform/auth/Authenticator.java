package com.emogg.platform.auth;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.database.Database;
import com.emogg.platform.database.PostgresNotifications;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Who a bearer token belongs to. Every request asks, so the callers of recently used tokens are
 * kept in memory for {@code emogg.auth.cache-ttl}. A revocation reaches every replica at commit
 * through PostgreSQL NOTIFY and evicts the token at once; while that notification channel is down,
 * the cache is not trusted and every request reads the database. Unknown tokens are never cached,
 * so random guesses cannot fill memory.
 */
@ApplicationScoped
public class Authenticator {

    /** $1 the token's SHA-256: its id, user and product, unless revoked. */
    public static final String AUTHENTICATE = "select id, user_id, product_id from api_tokens where token_hash = $1 and revoked_at is null";
    private static final int MAX_CACHED = 100_000;

    private record Cached(Caller caller, long expiresAtNanos) {
    }

    private final Pool pool;
    private final PostgresNotifications notifications;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Authenticator(Database database, PostgresNotifications notifications,
            @ConfigProperty(name = "emogg.auth.cache-ttl", defaultValue = "PT30S") Duration ttl) {
        this.pool = database.pool();
        this.notifications = notifications;
        this.ttlNanos = ttl.toNanos();
        if (ttlNanos > 0) {
            notifications.listen("token_revoked", cache::remove);
            notifications.onReconnect(cache::clear);
        }
    }

    /** The caller, or null when the token is unknown or revoked. */
    public Uni<Caller> authenticate(String token) {
        byte[] hash = Tokens.hash(token);
        String key = HexFormat.of().formatHex(hash);
        boolean trusted = ttlNanos > 0 && notifications.isListening();
        if (trusted) {
            Cached cached = cache.get(key);
            if (cached != null && cached.expiresAtNanos - System.nanoTime() > 0) {
                return Uni.createFrom().item(cached.caller);
            }
        }
        return pool.preparedQuery(AUTHENTICATE).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).map(rows -> {
            if (rows.size() == 0) {
                cache.remove(key);
                return null;
            }
            Row row = rows.iterator().next();
            Caller caller = new Caller(row.getString(0), row.getString(1), row.getString(2));
            if (trusted) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(key, new Cached(caller, System.nanoTime() + ttlNanos));
            }
            return caller;
        });
    }

    /** Forgets a token at once, in this replica (the others hear of it through NOTIFY). */
    void evict(byte[] tokenHash) {
        cache.remove(HexFormat.of().formatHex(tokenHash));
    }
}
