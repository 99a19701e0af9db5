package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class SessionApiTest {

    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Inject
    Pool pool;

    @Test
    void createAnswers201WithLocationAndTheSessionFieldByField() {
        TestUser user = newUser();
        var response = user.json()
                .body(Map.of("name", "Lobby camera", "streamUri", TestApi.streamUri(), "config", Map.of("removeMedia", true)))
                .when().post("/v1/sessions")
                .then().statusCode(201)
                .header("Location", matchesPattern(".*/v1/sessions/[0-9a-f]{24}"))
                .body("_id", matchesPattern("[0-9a-f]{24}"))
                .body("name", equalTo("Lobby camera"))
                .body("type", equalTo("live_analysis"))
                .body("state", equalTo("active"))
                .body("timestamp", matchesPattern(ISO_MILLIS))
                .body("duration", greaterThanOrEqualTo(0f))
                .body("config.removeMedia", equalTo(true))
                .body("sources.size()", equalTo(1))
                .body("sources[0].id", matchesPattern("[0-9a-f-]{36}"))
                .body("sources[0].name", equalTo(TestApi.STREAM_HOST))
                .body("sources[0].type", equalTo("video"))
                .body("sources[0].device", equalTo("stream"))
                .body("meta.expires", matchesPattern(ISO_MILLIS))
                .body("meta", hasKey("healthCheck"))
                .body("meta.healthCheck", nullValue())
                .body("meta.workerState", equalTo("pending"))
                .body("product", equalTo(user.product()))
                .body("user", equalTo(user.id()))
                .body("version", equalTo(3))
                .body("$", not(hasKey("streamUri")))
                .extract();
        String id = response.path("_id");
        assertTrue(response.header("Location").endsWith("/v1/sessions/" + id));

        Instant created = Instant.parse(response.path("timestamp"));
        Instant expires = Instant.parse(response.path("meta.expires"));
        assertEquals(Duration.ofHours(24), Duration.between(created, expires), "expires = creation + the configured lifetime");

        var row = Database.row(pool, "select stream_uri, user_id, state from sessions where id = $1", id);
        assertEquals(TestApi.streamUri(), row.getString("stream_uri"), "the stream URI is stored for the worker");
        assertEquals(user.id(), row.getString("user_id"));
    }

    @Test
    void createWithoutConfigDefaultsToKeepingMedia() {
        TestUser user = newUser();
        user.json().body(Map.of("name", "n", "streamUri", "rtmp://live.test/app/key"))
                .when().post("/v1/sessions")
                .then().statusCode(201).body("config.removeMedia", equalTo(false)).body("sources[0].name", equalTo("live.test"));
        user.json().body(Map.of("name", "n", "streamUri", "rtmps://live.test:443/app/key"))
                .when().post("/v1/sessions").then().statusCode(201);
    }

    @Test
    void getReturnsTheSameSessionWithAGrowingDuration() {
        TestUser user = newUser();
        String id = user.createSession("get me");
        user.call().when().get("/v1/sessions/" + id)
                .then().statusCode(200)
                .body("_id", equalTo(id))
                .body("name", equalTo("get me"))
                .body("state", equalTo("active"))
                .body("version", equalTo(3));
    }

    @Test
    void patchRenamesAndKeepsEverythingElse() {
        TestUser user = newUser();
        String id = user.createSession("before");
        String longest = "n".repeat(256);
        user.json().body(Map.of("name", longest))
                .when().patch("/v1/sessions/" + id)
                .then().statusCode(200).body("name", equalTo(longest)).body("state", equalTo("active"));
        user.json().body(Map.of("name", "after"))
                .when().patch("/v1/sessions/" + id)
                .then().statusCode(200).body("name", equalTo("after"));
        assertEquals("after", Database.row(pool, "select name from sessions where id = $1", id).getString("name"));
        user.call().when().get("/v1/sessions/" + id).then().body("name", equalTo("after"));
    }

    @Test
    void patchAcceptsMergePatchContentType() {
        TestUser user = newUser();
        String id = user.createSession("before");
        user.call().contentType("application/merge-patch+json").body("{\"name\":\"merged\"}")
                .when().patch("/v1/sessions/" + id)
                .then().statusCode(200).body("name", equalTo("merged"));
    }

    @Test
    void stopFinishesTheSessionFreezesItsDurationAndStopsAPendingWorkerAtOnce() {
        TestUser user = newUser();
        String id = user.createSession("to stop");
        var stopped = user.call().when().post("/v1/sessions/" + id + "/stop")
                .then().statusCode(200)
                .body("_id", equalTo(id))
                .body("state", equalTo("finished"))
                .body("meta.workerState", equalTo("stopped"))
                .extract();
        float frozen = stopped.path("duration");

        var row = Database.row(pool, "select state, worker_state, finished_at from sessions where id = $1", id);
        assertEquals("finished", row.getString("state"));
        assertEquals("stopped", row.getString("worker_state"));

        // the duration of an active session grows with every read; a finished one's does not
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> frozen == user.call()
                .when().get("/v1/sessions/" + id).then().statusCode(200).extract().<Float>path("duration"));
    }

    @Test
    void stopOfAWorkingSessionWaitsForTheWorker() {
        TestUser user = newUser();
        String id = user.createSession("picked up");
        Database.rows(pool, "update sessions set worker_state = 'working' where id = $1", id);
        user.call().when().post("/v1/sessions/" + id + "/stop")
                .then().statusCode(200).body("state", equalTo("finished")).body("meta.workerState", equalTo("stopping"));
        // processing: finished, but the worker is not done
        user.call().when().delete("/v1/sessions/" + id)
                .then().statusCode(400).body("message", equalTo("The session is active or processing"));
    }

    @Test
    void stoppingTwiceIs400NotActive() {
        TestUser user = newUser();
        String id = user.createSession("once");
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        user.call().when().post("/v1/sessions/" + id + "/stop")
                .then().statusCode(400)
                .body("error", equalTo(true))
                .body("status", equalTo(400))
                .body("message", equalTo("The session is not active"));
    }

    @Test
    void deleteIsRefusedWhileActiveThenAnswers204WithNoBody() {
        TestUser user = newUser();
        String id = user.createSession("to delete");
        user.call().when().delete("/v1/sessions/" + id)
                .then().statusCode(400).body("message", equalTo("The session is active or processing"));
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        var deleted = user.call().when().delete("/v1/sessions/" + id).then().statusCode(204).extract();
        assertEquals("", deleted.body().asString());
        assertTrue(Database.rows(pool, "select 1 from sessions where id = $1", id).isEmpty());
        user.call().when().get("/v1/sessions/" + id).then().statusCode(404);
        user.call().when().delete("/v1/sessions/" + id).then().statusCode(404);
    }

    @Test
    void unknownSessionsAre404OnEveryVerb() {
        TestUser user = newUser();
        String missing = "0123456789abcdef01234567";
        user.call().when().get("/v1/sessions/" + missing).then().statusCode(404).body("message", equalTo("Session not found"));
        user.json().body("{\"name\":\"x\"}").when().patch("/v1/sessions/" + missing).then().statusCode(404);
        user.call().when().post("/v1/sessions/" + missing + "/stop").then().statusCode(404);
        user.call().when().delete("/v1/sessions/" + missing).then().statusCode(404);
    }

    @Test
    void malformedIdsAre404NotServerErrors() {
        TestUser user = newUser();
        for (String bad : new String[] {"zzz", "0123456789ABCDEF01234567", "0123456789abcdef0123456", "%27%3B--", "1"}) {
            user.call().when().get("/v1/sessions/" + bad).then().statusCode(404).body("error", equalTo(true));
            user.call().when().post("/v1/sessions/" + bad + "/stop").then().statusCode(404);
            user.call().when().delete("/v1/sessions/" + bad).then().statusCode(404);
            user.json().body("{\"name\":\"x\"}").when().patch("/v1/sessions/" + bad).then().statusCode(404);
        }
    }

    @Test
    void idsAreTimeOrderedObjectIds() {
        TestUser user = newUser();
        String first = user.createSession("a");
        String second = user.createSession("b");
        assertTrue(second.compareTo(first) > 0, "a later session has a greater id");
        long seconds = Long.parseLong(first.substring(0, 8), 16);
        assertFalse(Math.abs(Instant.now().getEpochSecond() - seconds) > 60, "the id starts with its creation time");
    }

    @Test
    void theStreamUriIsNeitherReturnedNorEchoedInErrors() {
        TestUser user = newUser();
        user.json().body(Map.of("name", "", "streamUri", "http://user:" + TestApi.STREAM_SECRET + "@host/x"))
                .when().post("/v1/sessions")
                .then().statusCode(400).body(not(containsString(TestApi.STREAM_SECRET)))
                .body("message", endsWith("invalid"));
    }
}
