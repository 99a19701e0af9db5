package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** {@code Idempotency-Key} on create and stop, against the real database. */
@QuarkusTest
class IdempotencyTest {

    @Inject
    Pool pool;

    private static ExtractableResponse<Response> stop(TestUser user, String id, String key) {
        return user.call().header("Idempotency-Key", key).when().post("/v1/sessions/" + id + "/stop").then().extract();
    }

    @Test
    void aRetriedStopReplaysTheFirstResponseByteForByte() {
        TestUser user = newUser();
        String id = user.createSession("retried");
        String key = UUID.randomUUID().toString();
        var first = stop(user, id, key);
        assertEquals(200, first.statusCode());
        var retry = stop(user, id, key);
        assertEquals(200, retry.statusCode(), "not the 400 a second stop would get");
        assertArrayEquals(first.body().asByteArray(), retry.body().asByteArray());
        assertEquals(1L, Database.row(pool, "select count(*) from outbox where session_id = $1 and type = 'SessionStopRequested'", id)
                .getLong(0), "stopped once");
        // without the key, a second stop is what it always is
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(400);
    }

    @Test
    void aRetriedCreateCreatesOneSession() {
        TestUser user = newUser();
        String key = "create-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("name", "once", "streamUri", TestApi.streamUri());
        var first = user.json().header("Idempotency-Key", key).body(body).when().post("/v1/sessions").then().statusCode(201).extract();
        var retry = user.json().header("Idempotency-Key", key).body(body).when().post("/v1/sessions").then().statusCode(201).extract();
        assertArrayEquals(first.body().asByteArray(), retry.body().asByteArray());
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals(1L, Database.row(pool, "select count(*) from sessions where user_id = $1", user.id()).getLong(0));
    }

    @Test
    void theSameKeyForAnotherRequestIs422() {
        TestUser user = newUser();
        String one = user.createSession("one");
        String two = user.createSession("two");
        String key = UUID.randomUUID().toString();
        stop(user, one, key);
        var other = stop(user, two, key);
        assertEquals(422, other.statusCode());
        assertEquals(Boolean.TRUE, other.path("error"));
        assertEquals("active", Database.row(pool, "select state from sessions where id = $1", two).getString("state"));
        user.json().header("Idempotency-Key", key).body(Map.of("name", "x", "streamUri", TestApi.streamUri()))
                .when().post("/v1/sessions").then().statusCode(422);
    }

    @Test
    void keysBelongToTheirUser() {
        TestUser first = newUser();
        TestUser second = newUser();
        String key = UUID.randomUUID().toString();
        stop(first, first.createSession("a"), key);
        assertEquals(200, stop(second, second.createSession("b"), key).statusCode());
    }

    @Test
    void aClientErrorIsReplayedToo() {
        TestUser user = newUser();
        String id = user.createSession("finished");
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        String key = UUID.randomUUID().toString();
        var first = stop(user, id, key);
        assertEquals(400, first.statusCode());
        assertArrayEquals(first.body().asByteArray(), stop(user, id, key).body().asByteArray());
    }

    @Test
    void aRetryWhileTheFirstIsInFlightIs409() throws Exception {
        TestUser user = newUser();
        String id = user.createSession("in flight");
        String key = UUID.randomUUID().toString();
        var locker = pool.getConnection().await().indefinitely();
        try {
            // the test holds the session's row, so the first stop waits inside its transaction
            locker.query("begin").execute().await().indefinitely();
            locker.preparedQuery("select 1 from sessions where id = $1 for update").execute(io.vertx.mutiny.sqlclient.Tuple.of(id))
                    .await().indefinitely();
            CompletableFuture<ExtractableResponse<Response>> first = CompletableFuture.supplyAsync(() -> stop(user, id, key));
            org.awaitility.Awaitility.await().until(() -> !Database.rows(pool,
                    "select 1 from pg_locks where locktype = 'advisory' and granted").isEmpty());
            var retry = stop(user, id, key);
            assertEquals(409, retry.statusCode());
            assertEquals(Boolean.TRUE, retry.path("error"));
            locker.query("rollback").execute().await().indefinitely();
            assertEquals(200, first.get().statusCode());
            assertEquals(200, stop(user, id, key).statusCode());
        } finally {
            locker.closeAndAwait();
        }
    }

    @Test
    void malformedKeysAre400() {
        TestUser user = newUser();
        String id = user.createSession("bad key");
        assertEquals(400, stop(user, id, "x".repeat(256)).statusCode());
        assertEquals(400, stop(user, id, "has space").statusCode());
        user.call().when().get("/v1/sessions/" + id).then().body("state", equalTo("active"));
        assertTrue(true);
    }
}
