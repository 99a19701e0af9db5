package com.emogg.auth;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.common.Dates;
import com.emogg.common.ObjectIds;
import com.emogg.web.ApiException;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Issues, revokes and checks API tokens. */
@ApplicationScoped
public class TokenService {

    /** What a client gets once, at creation; the token itself is never shown again. */
    public record IssuedToken(String id, String token, String user, String product) {
    }

    private final Clock clock;

    public TokenService(Clock clock) {
        this.clock = clock;
    }

    /** Issues a token for {@code userId} (created when new) in {@code productId}; both generated when null. */
    @WithTransaction
    public Uni<IssuedToken> issue(String userId, String productId) {
        return issue(userId, productId, Tokens.generate());
    }

    /** Issues a given token, for the local run's demo token; does nothing when it already exists. */
    @WithTransaction
    public Uni<IssuedToken> ensure(String userId, String productId, String token) {
        return ApiToken.<ApiToken>find("tokenHash", (Object) Tokens.hash(token)).firstResult()
                .chain(existing -> existing != null
                        ? Uni.createFrom().item(new IssuedToken(existing.id, token, existing.userId, existing.productId))
                        : issue(userId, productId, token));
    }

    private Uni<IssuedToken> issue(String userId, String productId, String token) {
        Instant now = Dates.now(clock);
        return owner(userId, productId, now).chain(user -> {
            ApiToken issued = new ApiToken();
            issued.id = ObjectIds.next(now);
            issued.tokenHash = Tokens.hash(token);
            issued.userId = user.id;
            issued.productId = user.productId;
            issued.createdAt = now;
            return issued.persist().replaceWith(new IssuedToken(issued.id, token, user.id, user.productId));
        });
    }

    /** Revokes a token (revoking twice is fine) and answers its hash, or null when no such token exists. */
    @WithTransaction
    public Uni<byte[]> revoke(String tokenId) {
        return ApiToken.<ApiToken>findById(tokenId).map(token -> {
            if (token == null) {
                return null;
            }
            if (token.revokedAt == null) {
                token.revokedAt = Dates.now(clock);
            }
            return token.tokenHash;
        });
    }

    private Uni<User> owner(String userId, String productId, Instant now) {
        if (userId == null) {
            return create(ObjectIds.next(now), productId == null ? ObjectIds.next(now) : productId, now);
        }
        return User.<User>findById(userId).chain(existing -> {
            if (existing == null) {
                return create(userId, productId == null ? ObjectIds.next(now) : productId, now);
            }
            if (productId != null && !productId.equals(existing.productId)) {
                return Uni.createFrom().failure(new ApiException(409,
                        "User " + userId + " belongs to product " + existing.productId + ", not " + productId));
            }
            return Uni.createFrom().item(existing);
        });
    }

    private static Uni<User> create(String userId, String productId, Instant now) {
        User user = new User();
        user.id = userId;
        user.productId = productId;
        user.createdAt = now;
        return user.persist();
    }
}
