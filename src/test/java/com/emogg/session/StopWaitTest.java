package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.WorkerStateRecords;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** {@code ?wait=...&timeout=...}: answers as soon as the worker reports, or with the current state at the timeout. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StopWaitTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    WorkerStateRecords reports;

    @BeforeAll
    void start() {
        reports = new WorkerStateRecords(bootstrap, workerStates);
    }

    @AfterAll
    void stop() {
        reports.close();
    }

    @Test
    void aStopThatWaitsAnswersOnceTheWorkerConfirms() {
        TestUser user = newUser();
        String id = Database.insertSession(pool, user.id(), user.product(), "working", java.time.Instant.now());
        // the worker confirms a second after the stop
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> reports.report(id, "test-worker", "stopped", 5),
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        long started = System.nanoTime();
        user.call().when().post("/v1/sessions/" + id + "/stop?wait=stopped&timeout=20s")
                .then().statusCode(200).body("state", equalTo("finished")).body("meta.workerState", equalTo("stopped"));
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(millis >= 900 && millis < 15_000, "answered when the worker confirmed, after " + millis + " ms");
        worker.join();
    }

    @Test
    void atTheTimeoutItAnswers200WithTheCurrentState() {
        TestUser user = newUser();
        String id = Database.insertSession(pool, user.id(), user.product(), "working", java.time.Instant.now());
        long started = System.nanoTime();
        user.call().when().post("/v1/sessions/" + id + "/stop?wait=stopped&timeout=1s")
                .then().statusCode(200).body("meta.workerState", equalTo("stopping"));
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(millis >= 900 && millis < 5_000, "waited for the timeout: " + millis + " ms");
        // a state already reached answers at once
        started = System.nanoTime();
        user.call().when().get("/v1/sessions/" + id + "?wait=working&timeout=10s").then().statusCode(200)
                .body("meta.workerState", equalTo("stopping"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 2_000);
    }

    @Test
    void getWaitsToo() {
        TestUser user = newUser();
        String id = user.createSession("get waits");
        CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> reports.report(id, "test-worker", "working", 1));
        user.call().when().get("/v1/sessions/" + id + "?wait=working&timeout=20s")
                .then().statusCode(200).body("meta.workerState", equalTo("working"));
        worker.join();
    }

    @Test
    void badWaitsAre400AndOtherUsersSessions404() {
        TestUser user = newUser();
        String id = user.createSession("bad waits");
        user.call().when().get("/v1/sessions/" + id + "?wait=done").then().statusCode(400).body("errors[0].field", equalTo("wait"));
        user.call().when().get("/v1/sessions/" + id + "?wait=stopped&timeout=2h").then().statusCode(400)
                .body("errors[0].field", equalTo("timeout"));
        user.call().when().get("/v1/sessions/" + id + "?wait=stopped&timeout=soon").then().statusCode(400);
        user.call().when().get("/v1/sessions/" + id + "?timeout=1s").then().statusCode(400);
        newUser().call().when().get("/v1/sessions/" + id + "?wait=stopped&timeout=1s").then().statusCode(404);
    }

}
