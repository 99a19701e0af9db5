package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The stop and its record are one statement: the record keeps the session as the stop committed
     * it, without its stream URI, and the time the response was rendered at; a retry renders the same
     * bytes even after the session moved on.
     */
    @Test
    void theRecordKeepsTheStoppedSessionWithoutItsStreamUriAndARetryShowsItAsItWas() {
        TestUser user = newUser();
        String id = user.createSession("moves on");
        Database.rows(pool, "update sessions set worker_state = 'working' where id = $1", id);
        String key = UUID.randomUUID().toString();
        var first = stop(user, id, key);
        assertEquals(200, first.statusCode());
        assertEquals("stopping", first.path("meta.workerState"));
        var record = Database.row(pool, "select status, body, snapshot::text as snapshot, rendered_at from idempotency_keys "
                + "where user_id = $1 and key = $2", user.id(), key);
        assertNull(record.getInteger("status"), "recorded as the session, not as bytes");
        assertFalse(record.getString("snapshot").contains("rtsp"), "no stream URI in a record");
        assertFalse(record.getString("snapshot").contains(TestApi.STREAM_SECRET));
        // the worker confirms: the session moves on, the replay does not
        Database.rows(pool, "update sessions set worker_state = 'stopped' where id = $1", id);
        var retry = stop(user, id, key);
        assertEquals(200, retry.statusCode());
        assertArrayEquals(first.body().asByteArray(), retry.body().asByteArray());
        assertEquals("application/json", retry.contentType());
        assertEquals(1L, Database.row(pool, "select count(*) from outbox where session_id = $1 and type = 'SessionStopRequested'", id)
                .getLong(0));
    }

    @Test
    void aStopThatWaitedIsReplayedAsItWasGivenAfterTheWait() {
        TestUser user = newUser();
        String id = user.createSession("waited");
        String key = UUID.randomUUID().toString();
        var first = user.call().header("Idempotency-Key", key).when().post("/v1/sessions/" + id + "/stop?wait=stopped&timeout=1s")
                .then().statusCode(200).extract();
        var retry = user.call().header("Idempotency-Key", key).when().post("/v1/sessions/" + id + "/stop?wait=stopped&timeout=1s")
                .then().statusCode(200).extract();
        assertArrayEquals(first.body().asByteArray(), retry.body().asByteArray());
    }

    /** Of concurrent requests with one key exactly one stops the session; the others replay it or are told it is under way. */
    @Test
    void concurrentStopsWithOneKeyStopOnceAndAgreeOnTheResponse() {
        TestUser user = newUser();
        String id = user.createSession("raced");
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<ExtractableResponse<Response>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> stop(user, id, key)));
        }
        List<ExtractableResponse<Response>> responses = calls.stream().map(CompletableFuture::join).toList();
        List<String> bodies = new ArrayList<>();
        for (var response : responses) {
            assertTrue(response.statusCode() == 200 || response.statusCode() == 409, "status " + response.statusCode());
            if (response.statusCode() == 200) {
                bodies.add(response.body().asString());
            }
        }
        assertFalse(bodies.isEmpty());
        assertEquals(1, bodies.stream().distinct().count(), "every 200 is the same response");
        assertEquals(bodies.get(0), stop(user, id, key).body().asString());
        assertEquals(1L, Database.row(pool, "select count(*) from outbox where session_id = $1 and type = 'SessionStopRequested'", id)
                .getLong(0), "stopped once");
    }

    @Test
    void concurrentCreatesWithOneKeyCreateOneSession() {
        TestUser user = newUser();
        String key = "create-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("name", "raced", "streamUri", TestApi.streamUri());
        List<CompletableFuture<ExtractableResponse<Response>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> user.json().header("Idempotency-Key", key).body(body)
                    .when().post("/v1/sessions").then().extract()));
        }
        List<String> created = new ArrayList<>();
        for (var response : calls.stream().map(CompletableFuture::join).toList()) {
            assertTrue(response.statusCode() == 201 || response.statusCode() == 409, "status " + response.statusCode());
            if (response.statusCode() == 201) {
                created.add(response.header("Location") + " " + response.body().asString());
            }
        }
        assertFalse(created.isEmpty());
        assertEquals(1, created.stream().distinct().count(), "every 201 is the same response");
        assertEquals(1L, Database.row(pool, "select count(*) from sessions where user_id = $1", user.id()).getLong(0));
    }

    /** A stop whose transaction fails is ours (5xx): nothing is recorded with it, and a retry stops the session. */
    @Test
    void aFailedStopRecordsNothingAndItsRetryRunsAgain() {
        TestUser user = newUser();
        String id = user.createSession("fails once");
        String key = UUID.randomUUID().toString();
        Database.failingCommitsOf(pool, id, () -> assertEquals(500, stop(user, id, key).statusCode()));
        assertTrue(Database.rows(pool, "select 1 from idempotency_keys where user_id = $1 and key = $2", user.id(), key).isEmpty(),
                "the record rolled back with the stop");
        assertEquals("active", Database.row(pool, "select state from sessions where id = $1", id).getString("state"));
        var retry = stop(user, id, key);
        assertEquals(200, retry.statusCode());
        assertEquals("finished", retry.path("state"));
    }

    @Test
    void anUnknownSessionIsA404RecordedAndReplayed() {
        TestUser user = newUser();
        String key = UUID.randomUUID().toString();
        var first = stop(user, "0123456789abcdef01234567", key);
        assertEquals(404, first.statusCode());
        assertArrayEquals(first.body().asByteArray(), stop(user, "0123456789abcdef01234567", key).body().asByteArray());
        assertEquals(404, Database.row(pool, "select status from idempotency_keys where user_id = $1 and key = $2", user.id(), key)
                .getInteger("status"));
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
