package com.emogg.platform.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.platform.Dates;
import com.emogg.platform.ObjectIds;
import com.emogg.platform.database.Database;
import com.emogg.platform.http.ApiException;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Issues and revokes API tokens: a token is bound to one user, and through it to one product. */
@ApplicationScoped
public class TokenService {

    private static final String ADD_USER = "insert into users (id, product_id, created_at) values ($1, $2, $3) on conflict (id) do nothing";
    private static final String USER = "select product_id from users where id = $1";
    private static final String ADD_TOKEN = "insert into api_tokens (id, token_hash, user_id, product_id, created_at) values ($1, $2, $3, $4, $5)";
    private static final String FIND = "select id, user_id, product_id from api_tokens where token_hash = $1";
    private static final String REVOKE = "update api_tokens set revoked_at = coalesce(revoked_at, $2) where id = $1 returning token_hash";

    /** What a client gets once, at creation; the token itself is never shown again. */
    @RegisterForReflection
    public record IssuedToken(String id, String token, String user, String product) {
    }

    private final Pool pool;
    private final Clock clock;

    public TokenService(Database database, Clock clock) {
        this.pool = database.pool();
        this.clock = clock;
    }

    /**
     * Issues a token for {@code userId} (created when new) in {@code productId}; both generated when
     * null. A 409 when the user exists in another product.
     */
    public Uni<IssuedToken> issue(String userId, String productId) {
        return pool.withTransaction(transaction -> issue(transaction, userId, productId, Tokens.generate()));
    }

    /** Issues a given token, for the local run's demo token; does nothing when it already exists. */
    public Uni<IssuedToken> ensure(String userId, String productId, String token) {
        return pool.withTransaction(transaction -> transaction.preparedQuery(FIND).execute(Tuple.of(Buffer.buffer(Tokens.hash(token))))
                .chain(found -> {
                    if (found.size() > 0) {
                        Row row = found.iterator().next();
                        return Uni.createFrom().item(new IssuedToken(row.getString(0), token, row.getString(1), row.getString(2)));
                    }
                    return issue(transaction, userId, productId, token);
                }));
    }

    /** Revokes a token (revoking twice is fine) and answers its hash, or null when no such token exists. */
    public Uni<byte[]> revoke(String tokenId) {
        return pool.preparedQuery(REVOKE).execute(Tuple.of(tokenId, Dates.now(clock).atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer(0).getBytes());
    }

    private Uni<IssuedToken> issue(SqlConnection transaction, String userId, String productId, String token) {
        Instant now = Dates.now(clock);
        String user = userId != null ? userId : ObjectIds.next(now);
        String product = productId != null ? productId : ObjectIds.next(now);
        return transaction.preparedQuery(ADD_USER).execute(Tuple.of(user, product, now.atOffset(ZoneOffset.UTC)))
                .chain(() -> transaction.preparedQuery(USER).execute(Tuple.of(user)))
                .chain(rows -> {
                    String owned = rows.iterator().next().getString(0);
                    if (productId != null && !productId.equals(owned)) {
                        return Uni.createFrom().failure(new ApiException(409, "User " + user + " belongs to product " + owned + ", not " + productId));
                    }
                    String id = ObjectIds.next(now);
                    return transaction.preparedQuery(ADD_TOKEN)
                            .execute(Tuple.of(id, Buffer.buffer(Tokens.hash(token)), user, owned, now.atOffset(ZoneOffset.UTC)))
                            .replaceWith(new IssuedToken(id, token, user, owned));
                });
    }
}
