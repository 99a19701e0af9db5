package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.emogg.platform.ratelimit.Quota;
import com.emogg.platform.ratelimit.RateLimitConfig;
import com.emogg.platform.ratelimit.RateLimiter;
import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/** The per-user token bucket, shared by every replica through PostgreSQL. */
@QuarkusTest
class RateLimitTest {

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    PgConnectOptions connectOptions;

    @Inject
    RateLimitConfig config;

    @ConfigProperty(name = "emogg.rate-limit.capacity")
    int capacity;

    @Test
    void everyAuthenticatedResponseCarriesTheRateLimitHeaders() {
        TestUser user = newUser();
        var first = user.call().when().get("/v1/sessions").then().statusCode(200)
                .header("RateLimit-Limit", equalTo(Integer.toString(capacity)))
                .header("RateLimit-Policy", equalTo(capacity + ";w=" + capacity))
                .header("RateLimit-Reset", notNullValue())
                .extract();
        int remaining = Integer.parseInt(first.header("RateLimit-Remaining"));
        assertTrue(remaining >= capacity - 2 && remaining < capacity, "one point taken: " + remaining);
        // errors too
        user.call().when().get("/v1/sessions/0123456789abcdef01234567").then().statusCode(404)
                .header("RateLimit-Remaining", notNullValue());
    }

    @Test
    void anEmptyBucketIs429WithRetryAfterAndTheErrorBody() {
        TestUser user = newUser();
        user.call().when().get("/v1/sessions").then().statusCode(200);
        // empty, and then some: the test profile refills a point a second
        Database.rows(pool, "update rate_limits set tokens = -2, updated_at = now() where user_id = $1", user.id());
        user.call().when().get("/v1/sessions").then().statusCode(429)
                .header("Retry-After", notNullValue())
                .header("RateLimit-Remaining", equalTo("0"))
                .body("error", equalTo(true))
                .body("status", equalTo(429));
        // another user is not affected
        newUser().call().when().get("/v1/sessions").then().statusCode(200);
    }

    @Test
    void twoInstancesDrawFromTheSameBucket() {
        TestUser user = newUser();
        // another replica: its own pool and limiter, the same database
        Pool otherPool = PgPool.pool(vertx, connectOptions, new PoolOptions().setMaxSize(2));
        try {
            RateLimiter other = new RateLimiter(otherPool, config);
            Quota taken = other.take(user.id()).await().indefinitely();
            assertTrue(taken.allowed());
            int afterOther = Integer.parseInt(user.call().when().get("/v1/sessions").then().statusCode(200).extract()
                    .header("RateLimit-Remaining"));
            assertTrue(afterOther <= capacity - 2, "the other instance's point is gone here too: " + afterOther);
            // the other instance empties the bucket: this one refuses
            Database.rows(otherPool, "update rate_limits set tokens = -2, updated_at = now() where user_id = $1", user.id());
            user.call().when().get("/v1/sessions").then().statusCode(429);
            Quota refused = other.take(user.id()).await().indefinitely();
            assertFalse(refused.allowed(), "and so does the other");
            assertEquals(0, refused.remaining());
        } finally {
            otherPool.closeAndAwait();
        }
    }
}
