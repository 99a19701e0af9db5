package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.emogg.platform.ObjectIds;
import com.emogg.platform.database.Unavailability;
import com.emogg.platform.ratelimit.Quota;
import com.emogg.platform.ratelimit.RateLimitConfig;
import com.emogg.platform.ratelimit.RateLimiter;
import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * The per-user token bucket: one budget per user across replicas, each replica leasing points from
 * the shared bucket in PostgreSQL. Other replicas are limiters of their own on pools of their own,
 * against the same database, as another process would be.
 */
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

    @ConfigProperty(name = "emogg.rate-limit.lease")
    int lease;

    /** Terms of a replica built by a test. */
    record Limits(int capacity, double refillPerSecond, int lease, Duration idleTimeout) implements RateLimitConfig {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public int cost() {
            return 1;
        }

        @Override
        public Duration syncInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public int maxUsers() {
            return 50_000;
        }
    }

    /** Another replica: its own limiter, on a pool of its own, against the same database. */
    private final class Replica implements AutoCloseable {
        final Pool pool = PgPool.pool(vertx, connectOptions, new PoolOptions().setMaxSize(2));
        final MeterRegistry metrics = new SimpleMeterRegistry();
        final RateLimiter limiter;

        Replica(RateLimitConfig terms) {
            limiter = new RateLimiter(pool, terms, vertx, metrics);
        }

        Quota take(String userId) {
            return limiter.take(userId).await().atMost(Duration.ofSeconds(20));
        }

        double counted(String name) {
            return metrics.get(name).functionCounter().count();
        }

        @Override
        public void close() {
            try {
                limiter.close().await().atMost(Duration.ofSeconds(10));
            } finally {
                pool.closeAndAwait();
            }
        }
    }

    /** The user's shared bucket as it is now in PostgreSQL, refilled for the time since it was written. */
    private double sharedPoints(String userId, double refillPerSecond, int full) {
        var rows = Database.rows(pool, "select least($2::float8, tokens + extract(epoch from now() - updated_at) * $3::float8) "
                + "from rate_limits where user_id = $1", userId, (double) full, refillPerSecond);
        return rows.isEmpty() ? full : rows.get(0).getDouble(0);
    }

    private static ExtractableResponse<Response> list(TestUser user) {
        return user.call().when().get("/v1/sessions").then().extract();
    }

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
        var second = list(user);
        assertTrue(Integer.parseInt(second.header("RateLimit-Remaining")) <= remaining, "one more point taken (and at most one refilled)");
        // errors too
        user.call().when().get("/v1/sessions/0123456789abcdef01234567").then().statusCode(404)
                .header("RateLimit-Remaining", notNullValue());
    }

    /**
     * Another replica (here: the test, writing the bucket) empties the user's shared bucket: this
     * replica answers from the points it holds, at most one lease, then 429 with Retry-After and the
     * error body; a refused request takes nothing, and after Retry-After a request goes through.
     */
    @Test
    void anEmptySharedBucketIs429WithRetryAfterAndTheErrorBodyOnceTheHeldPointsAreSpent() {
        TestUser user = newUser();
        list(user);
        // empty, and then some: the test profile refills a point a second
        Database.rows(pool, "update rate_limits set tokens = -2, updated_at = now() where user_id = $1", user.id());
        int admitted = 0;
        ExtractableResponse<Response> refused = null;
        for (int i = 0; i <= lease + 5 && refused == null; i++) {
            var response = list(user);
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertEquals(200, response.statusCode());
                admitted++;
            }
        }
        assertTrue(refused != null, "no 429 after " + admitted + " requests");
        assertTrue(admitted < lease + 3, "at most the points this replica held (a lease), plus what refilled: " + admitted);
        assertEquals("0", refused.header("RateLimit-Remaining"));
        assertEquals(Integer.toString(capacity), refused.header("RateLimit-Limit"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 4, "3 points missing at a point a second: " + retryAfter);
        assertEquals(true, refused.path("error"));
        assertEquals(429, (int) refused.path("status"));
        assertTrue(refused.<String>path("message").contains("rate limit"));

        // refused requests take nothing: the shared bucket goes on refilling
        double before = sharedPoints(user.id(), 1, capacity);
        for (int i = 0; i < 5; i++) {
            user.call().when().get("/v1/sessions").then().statusCode(429).body("status", equalTo(429))
                    .header("Retry-After", notNullValue());
        }
        assertTrue(sharedPoints(user.id(), 1, capacity) >= before, "no point taken by a refusal");
        // another user is not affected
        newUser().call().when().get("/v1/sessions").then().statusCode(200);
        // Retry-After is honest
        Awaitility.await().pollDelay(Duration.ofSeconds(retryAfter)).atMost(Duration.ofSeconds(retryAfter + 10))
                .pollInterval(Duration.ofMillis(500)).until(() -> list(user).statusCode() == 200);
    }

    /** The API's replica and another draw from one bucket: what one takes, the other cannot. */
    @Test
    void twoReplicasDrawFromTheSameBucket() {
        TestUser user = newUser();
        try (Replica other = new Replica(config)) {
            assertTrue(other.take(user.id()).allowed());
            int afterOther = Integer.parseInt(list(user).header("RateLimit-Remaining"));
            assertTrue(afterOther <= capacity - 2, "the other replica's lease is gone here too: " + afterOther);
            // 30 points left in the shared bucket; the API's replica holds at most a lease
            Database.rows(pool, "update rate_limits set tokens = 30, updated_at = now() where user_id = $1", user.id());
            long start = System.nanoTime();
            int byOther = 0;
            while (other.take(user.id()).allowed()) {
                byOther++;
            }
            int byApi = 0;
            while (list(user).statusCode() == 200) {
                byApi++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertFalse(other.take(user.id()).allowed(), "and the other refuses too");
            assertEquals(0, other.take(user.id()).remaining());
            int together = byOther + byApi;
            // 30 points, what refilled (a point a second), and what each replica held (a lease each at most)
            assertTrue(together <= 30 + seconds + 1 + 2 * lease, "admitted " + together + " in " + seconds + " s");
            assertTrue(byOther >= 30 - lease, "the other replica got the shared points: " + byOther);
        }
    }

    /**
     * A user hammering two replicas at once for 4 s, from a full bucket of 100 points refilled at
     * 20 a second, leases of 10: together they admit what the bucket allows (100 + 20/s x 4 s = 180)
     * within the stated tolerance of a lease per replica, and every refusal says so.
     */
    @Test
    void aUserHammeringTwoReplicasIsAdmittedItsBudgetWithinALeaseEach() throws Exception {
        Limits limits = new Limits(100, 20, 10, Duration.ofSeconds(30));
        String user = ObjectIds.next();
        try (Replica one = new Replica(limits); Replica two = new Replica(limits)) {
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicLong last = new AtomicLong();
            List<Thread> clients = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(4).toNanos();
            List<String> wrongRefusals = java.util.Collections.synchronizedList(new ArrayList<>());
            for (Replica replica : List.of(one, two)) {
                for (int c = 0; c < 3; c++) {
                    Thread client = new Thread(() -> {
                        while (System.nanoTime() < end) {
                            Quota quota = replica.take(user);
                            if (quota.allowed()) {
                                admitted.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                                if (quota.remaining() != 0 || quota.retryAfterSeconds() < 1) {
                                    wrongRefusals.add(quota.toString());
                                }
                            }
                            last.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                    });
                    client.start();
                    clients.add(client);
                }
            }
            for (Thread client : clients) {
                client.join();
            }
            assertEquals(List.of(), wrongRefusals, "a refusal says 0 remaining and when to retry");
            double seconds = (last.get() - start) / 1e9;
            double budget = limits.capacity() + limits.refillPerSecond() * seconds;
            int tolerance = 2 * limits.lease();
            System.out.printf("rate limits: two replicas hammered for %.2f s: %d admitted (budget %.0f, tolerance %d), %d refused%n",
                    seconds, admitted.get(), budget, tolerance, refused.get());
            assertTrue(refused.get() > 0, "the clients offered more than the budget");
            assertTrue(admitted.get() <= budget + tolerance + limits.refillPerSecond() * 0.2,
                    "admitted " + admitted + ", budget " + budget + " in " + seconds + " s, tolerance " + tolerance);
            assertTrue(admitted.get() >= budget - tolerance - limits.refillPerSecond() * 0.5,
                    "admitted " + admitted + ", budget " + budget + " in " + seconds + " s");
        }
    }

    /**
     * 1,000 users each well under its limit, 10 requests each: the shared buckets are written once per
     * user (its first lease), in a handful of statements, not once per request; a user silent for the
     * idle timeout is forgotten and its points given back.
     */
    @Test
    void manyUsersUnderTheirLimitCostALeasePerUserNotAWritePerRequest() {
        Limits limits = new Limits(300, 5, 20, Duration.ofSeconds(1));
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            users.add(ObjectIds.next());
        }
        try (Replica replica = new Replica(limits)) {
            int requests = 0;
            for (int round = 0; round < 10; round++) {
                List<Uni<Quota>> answers = users.stream().map(replica.limiter::take).toList();
                List<Quota> quotas = Uni.join().all(answers).andFailFast().await().atMost(Duration.ofSeconds(30));
                assertTrue(quotas.stream().allMatch(Quota::allowed));
                requests += quotas.size();
            }
            double statements = replica.counted("emogg.rate.limit.statements");
            double leases = replica.counted("emogg.rate.limit.leases");
            System.out.printf("rate limits: %d requests of 1,000 users: %.0f statements, %.0f buckets leased, %.0f read%n", requests,
                    statements, leases, replica.counted("emogg.rate.limit.views"));
            assertEquals(10_000, requests);
            assertTrue(leases <= 1100, "about one lease per user: " + leases);
            assertTrue(statements <= 50, "leases go together: " + statements + " statements");
            String sample = users.get(0);
            assertEquals(300 - 20, sharedPoints(sample, 0, 300), 0.5, "one lease taken from the shared bucket");
            // silent for a second: forgotten, points given back
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> replica.metrics.get("emogg.rate.limit.users").gauge().value() == 0);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sharedPoints(sample, 0, 300) >= 300 - 10 - 0.5);
        }
    }

    /** A replica that dies loses what it held for the user, at most a lease: fewer points, never more. */
    @Test
    void aReplicaThatDiesLosesAtMostALeaseOfTheUsersPoints() {
        Limits limits = new Limits(300, 5, 20, Duration.ofSeconds(30));
        String user = ObjectIds.next();
        Pool dying = PgPool.pool(vertx, connectOptions, new PoolOptions().setMaxSize(2));
        RateLimiter lost = new RateLimiter(dying, limits, vertx, new SimpleMeterRegistry());
        assertTrue(lost.take(user).await().atMost(Duration.ofSeconds(10)).allowed());
        dying.closeAndAwait(); // gone, without giving anything back
        try (Replica survivor = new Replica(limits)) {
            Quota quota = survivor.take(user);
            assertTrue(quota.allowed());
            // 300 - 20 leased by the dead one, refilling at 5 a second since, less this request
            assertTrue(quota.remaining() >= 300 - 20 - 1 && quota.remaining() < 300, "remaining " + quota.remaining());
        } finally {
            lost.close().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(10)); // its timers
        }
    }

    /**
     * While the database is away a replica goes on with the points it holds; a request that needs a
     * lease fails the way a statement does, which the API answers with 503 and Retry-After.
     */
    @Test
    void whileTheDatabaseIsAwayHeldPointsServeAndALeaseFailsAsTheDatabaseAway() {
        Limits limits = new Limits(300, 5, 20, Duration.ofSeconds(30));
        String user = ObjectIds.next();
        Pool away = PgPool.pool(vertx, connectOptions, new PoolOptions().setMaxSize(2));
        RateLimiter limiter = new RateLimiter(away, limits, vertx, new SimpleMeterRegistry());
        assertTrue(limiter.take(user).await().atMost(Duration.ofSeconds(10)).allowed());
        away.closeAndAwait();
        int served = 0;
        Throwable failure = null;
        for (int i = 0; i < 40 && failure == null; i++) {
            try {
                assertTrue(limiter.take(user).await().atMost(Duration.ofSeconds(10)).allowed());
                served++;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        limiter.close().onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(10));
        assertEquals(19, served, "the 19 points held");
        assertTrue(failure != null && Unavailability.databaseAway(failure), "then a failure of the database: " + failure);
    }

    @Test
    void theLimiterReportsItsWorkInTheMetrics() {
        newUser().call().when().get("/v1/sessions").then().statusCode(200);
        io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("emogg_rate_limit_statements_total"))
                .body(containsString("emogg_rate_limit_leases_total"))
                .body(containsString("emogg_rate_limit_views_total"))
                .body(containsString("emogg_rate_limit_refused_total"))
                .body(containsString("emogg_rate_limit_users"));
    }
}
