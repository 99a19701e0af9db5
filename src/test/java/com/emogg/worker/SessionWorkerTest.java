package com.emogg.worker;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.contract.SessionSettled;
import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.emogg.local.LoopbackStream;
import com.emogg.testing.CountingListener;
import com.emogg.testing.Database;
import com.emogg.testing.LocalBroker;
import com.emogg.testing.Sleep;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.TopicRecords;
import com.emogg.testing.TopicRecords.Received;
import com.emogg.testing.WorkerStateRecords;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/** The worker side and the api's view of it, end to end over the real broker and database. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionWorkerTest {

    private static final Duration SOON = Duration.ofSeconds(90);

    @Inject
    Pool pool;

    @Inject
    SessionWorkers workers;

    @Inject
    OtherWorkers others;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStatesTopic;

    @ConfigProperty(name = "emogg.worker.media-dir")
    String mediaDir;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String commandsTopic;

    @ConfigProperty(name = "emogg.worker.group")
    String workerGroup;

    @ConfigProperty(name = "emogg.topics.partitions", defaultValue = "6")
    int partitions;

    LoopbackStream stream;
    TopicRecords reports;
    TopicRecords commands;
    TopicRecords deadLetters;
    WorkerStateRecords send;
    WorkerStateRecords injectCommands;

    @BeforeAll
    void start() {
        workers.startWorker();
        stream = LoopbackStream.start(0, 0);
        reports = new TopicRecords(bootstrap, workerStatesTopic);
        commands = new TopicRecords(bootstrap, commandsTopic);
        deadLetters = new TopicRecords(bootstrap, commandsTopic + "-dlq");
        send = new WorkerStateRecords(bootstrap, workerStatesTopic);
        injectCommands = new WorkerStateRecords(bootstrap, commandsTopic);
    }

    @AfterAll
    void stop() {
        workers.stopWorker();
        stream.close();
        reports.close();
        commands.close();
        deadLetters.close();
        send.close();
        injectCommands.close();
    }

    private String create(TestUser user, String uri, boolean removeMedia) {
        return user.json().body(Map.of("name", "worker test", "streamUri", uri, "config", Map.of("removeMedia", removeMedia)))
                .when().post("/v1/sessions").then().statusCode(201).extract().path("_id");
    }

    private void awaitWorkerState(TestUser user, String id, String state) {
        await().atMost(SOON).untilAsserted(() -> assertEquals(state,
                user.call().when().get("/v1/sessions/" + id).then().statusCode(200).extract().path("meta.workerState")));
    }

    private List<String> reportedStates(String id) {
        return reports.ofType(id, "WorkerStateChanged").stream().map(record -> field(record, "workerState")).toList();
    }

    private static String field(Received record, String name) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value()).path(name).asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReachableStreamGoesStartingThenWorking() {
        TestUser user = newUser();
        String id = create(user, stream.rtspUri(), false);
        awaitWorkerState(user, id, "working");
        user.call().when().get("/v1/sessions/" + id).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("active"))
                .body("meta.healthCheck", org.hamcrest.Matchers.notNullValue());
        assertEquals(List.of("starting", "working"), reportedStates(id).subList(0, 2));
        Received first = reports.ofType(id, "WorkerStateChanged").get(0);
        assertEquals(id, first.key());
        assertEquals(id, first.header("ce_subject"));
        assertEquals(workers.current().orElseThrow().id(), field(first, "workerId"));
        assertTrue(Files.exists(Path.of(mediaDir, id, "stream.sdp")), "the probe kept what the stream said of itself");
        assertTrue(Files.exists(Path.of(mediaDir, id, "probes.log")));
        // heartbeats keep meta.healthCheck fresh
        String checked = user.call().when().get("/v1/sessions/" + id).then().extract().path("meta.healthCheck");
        await().atMost(SOON).until(() -> !checked.equals(user.call().when().get("/v1/sessions/" + id).then().extract()
                .path("meta.healthCheck")));
        assertFalse(reports.ofType(id, "WorkerHeartbeat").isEmpty());
    }

    @Test
    void rtmpStreamsWorkToo() {
        TestUser user = newUser();
        String id = create(user, stream.rtmpUri(), false);
        awaitWorkerState(user, id, "working");
    }

    @Test
    void anUnreachableStreamFailsAndFinishesTheSession() throws Exception {
        TestUser user = newUser();
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String unreachable = create(user, "rtsp://127.0.0.1:" + closed + "/live", false);
        String missing = create(user, "rtsp://127.0.0.1:" + stream.rtspPort() + "/gone", false);
        for (String id : List.of(unreachable, missing)) {
            awaitWorkerState(user, id, "failed");
            user.call().when().get("/v1/sessions/" + id).then().body("state", org.hamcrest.Matchers.equalTo("finished"));
            // the failed session will not be resumed by a future owner: its last command is a stop
            assertEquals("worker_failed", Database.row(pool, "select payload::json->>'reason' as reason from outbox "
                    + "where session_id = $1 and type = $2", id, SessionStopRequested.TYPE).getString("reason"));
        }
        Received failed = reports.ofType(missing, "WorkerStateChanged").stream()
                .filter(record -> "failed".equals(field(record, "workerState"))).findFirst().orElseThrow();
        assertTrue(field(failed, "reason").contains("404"), field(failed, "reason"));
        // a failed session can be deleted
        user.call().when().delete("/v1/sessions/" + missing).then().statusCode(204);
    }

    /**
     * Issue 17's scan, end to end: sessions created through the API on the machine itself (the API
     * lets them through, since the tests' settings allow loopback), run by a worker whose allowed
     * networks are the production default (none). Each one ends failed with one and the same reason,
     * whether the port has a listener or not, and the listener never sees a connection. Then the
     * control: the same kind of session, run by a worker whose allowed networks hold loopback (the
     * tests' settings), does connect.
     */
    @Test
    void aWorkerRefusesStreamsOnTheMachineItselfAlikeAndConnectsWhereItsNetworkIsAllowed() {
        TestUser user = newUser();
        SessionWorker usual = workers.current().orElseThrow();
        StreamProbe publicOnly = others.probeAllowing(List.of());
        SessionWorker refusing = others.another("refusing-worker", publicOnly);
        try (CountingListener listener = new CountingListener()) {
            List<String> ids = new ArrayList<>();
            refusing.start();
            usual.stop();
            try {
                for (int port : new int[] {listener.port(), CountingListener.closedPort()}) {
                    for (String target : List.of("rtsp://127.0.0.1:%d/cam", "rtsp://localhost:%d/cam", "rtmp://127.0.0.2:%d/live/key",
                            "rtsp://[::ffff:127.0.0.1]:%d/cam", "rtsp://[::1]:%d/cam", "rtsp://2130706433:%d/cam")) {
                        ids.add(create(user, String.format(target, port), false));
                    }
                }
                for (String id : ids) {
                    awaitWorkerState(user, id, "failed");
                    assertEquals("refusing-worker", Database.row(pool, "select worker_id from sessions where id = $1", id)
                            .getString("worker_id"));
                }
                Set<String> reasons = ids.stream().map(this::failedReason).collect(Collectors.toSet());
                assertEquals(Set.of(HostResolver.RefusedAddress.REASON), reasons, "one reason, open port or closed, whatever the spelling");
                assertEquals(0, listener.accepted(), "no connection reached the listener");
            } finally {
                refusing.stop();
                publicOnly.close();
                usual.start();
            }

            String allowed = create(user, "rtsp://127.0.0.2:" + listener.port() + "/cam", false);
            awaitWorkerState(user, allowed, "failed"); // the listener speaks no RTSP
            assertFalse(HostResolver.RefusedAddress.REASON.equals(failedReason(allowed)), failedReason(allowed));
            assertTrue(listener.accepted() >= 1, "the allowed network was reached");
        }
    }

    private String failedReason(String id) {
        return await().atMost(SOON).until(() -> reports.ofType(id, "WorkerStateChanged").stream()
                .filter(record -> "failed".equals(field(record, "workerState"))).map(record -> field(record, "reason"))
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    @Test
    void stopGoesStoppingThenStoppedAndRemovesTheMediaOnlyWhenAsked() {
        TestUser user = newUser();
        String removed = create(user, stream.rtspUri(), true);
        String kept = create(user, stream.rtspUri(), false);
        awaitWorkerState(user, removed, "working");
        awaitWorkerState(user, kept, "working");
        assertTrue(Files.isDirectory(Path.of(mediaDir, removed)));

        for (String id : List.of(removed, kept)) {
            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("finished"))
                    .body("meta.workerState", org.hamcrest.Matchers.equalTo("stopping"));
        }
        awaitWorkerState(user, removed, "stopped");
        awaitWorkerState(user, kept, "stopped");
        assertEquals(List.of("starting", "working", "stopping", "stopped"), reportedStates(removed));
        assertFalse(Files.exists(Path.of(mediaDir, removed)), "removeMedia: the session's media folder is gone");
        assertTrue(Files.exists(Path.of(mediaDir, kept, "stream.sdp")), "without removeMedia the media stays");
        assertFalse(workers.current().orElseThrow().runningSessions().contains(removed));
        user.call().when().delete("/v1/sessions/" + removed).then().statusCode(204);
    }

    @Test
    void duplicateStaleAndOutOfOrderReportsNeverMoveTheStateBackwards() {
        TestUser user = newUser();
        // a session no real worker runs: only the reports this test sends touch it
        String id = Database.insertSession(pool, user.id(), user.product(), "pending", null);
        String worker = "test-worker";

        UUID working = send.report(id, worker, "working", 10);
        awaitDatabaseState(id, "working");

        send.report(id, worker, "starting", 20);                  // backwards: ignored
        send.report(id, worker, "stopped", 5);                    // older than the last applied: ignored
        Instant marker = send.heartbeat(id, worker, "working", 21); // applied after both, same partition
        awaitHealthCheck(id, marker);
        assertEquals("working", workerState(id));

        UUID stopping = send.report(id, worker, "stopping", 40);
        awaitDatabaseState(id, "stopping");
        Database.rows(pool, "update sessions set worker_state = 'working' where id = $1", id);
        send.resend(stopping, id, worker, "stopping", 40);       // a redelivery: already applied once
        send.resend(working, id, worker, "working", 10);
        Instant second = send.heartbeat(id, worker, "working", 41);
        awaitHealthCheck(id, second);
        assertEquals("working", workerState(id), "a redelivered report is applied once");

        send.report(id, worker, "stopped", 50);
        awaitDatabaseState(id, "stopped");
        UUID late = send.report(id, worker, "working", 60);
        await().atMost(SOON).until(() -> !Database.rows(pool, "select 1 from processed_events where event_id = $1", late).isEmpty());
        assertEquals("stopped", workerState(id), "nothing leaves a terminal state");
    }

    /**
     * Once its worker confirmed the stop, a session is settled: its tombstone follows its stop on
     * session-commands, and the worker forgets it. A start of it sent again later (with a new id,
     * not a duplicate) is ignored; a tombstone without headers is read, never dead-lettered.
     */
    @Test
    void aSettledSessionIsTombstonedAfterItsStopAndItsWorkerForgetsIt() throws Exception {
        TestUser user = newUser();
        String id = create(user, stream.rtspUri(), false);
        awaitWorkerState(user, id, "working");
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        awaitWorkerState(user, id, "stopped");
        await().atMost(SOON).until(() -> !commands.ofType(id, SessionSettled.TYPE).isEmpty());
        List<Received> records = commands.of(id);
        assertEquals(List.of(SessionStartRequested.TYPE, SessionStopRequested.TYPE, SessionSettled.TYPE),
                records.stream().map(Received::type).toList());
        assertNull(records.get(2).value(), "a Kafka tombstone");
        assertEquals(Database.row(pool, "select id from outbox where session_id = $1 and type = $2", id, SessionSettled.TYPE)
                .getUUID("id").toString(), records.get(2).id(), "recorded in the outbox, published by the relay");

        Received start = records.get(0);
        Map<String, String> again = new java.util.HashMap<>(start.headers());
        again.put("ce_id", UUID.randomUUID().toString());
        again.remove("traceparent");
        injectCommands.raw(id, again, start.value());
        var bare = injectCommands.raw(id, Map.of(), null);
        // the worker has read both once it committed a position past them
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPartition partition = new TopicPartition(commandsTopic, bare.partition());
            await().atMost(SOON).until(() -> {
                var committed = admin.listConsumerGroupOffsets(workerGroup).partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() > bare.offset();
            });
        }
        assertFalse(workers.current().orElseThrow().runningSessions().contains(id), "a settled session is never started again");
        assertEquals(1, reportedStates(id).stream().filter("starting"::equals).count());
        Sleep.millis(2000); // a dead letter would be sent right after the record was read
        assertTrue(deadLetters.of(id).isEmpty(), "a tombstone is not an unreadable record");
    }

    /**
     * A restart under the same explicit id is a new run: its counter starts wherever it starts, and
     * its reports are judged by the state rules alone, never by the previous run's {@code seq}.
     */
    @Test
    void seqOrdersTheReportsOfOneRunOfAWorkerOnly() {
        TestUser user = newUser();
        String id = Database.insertSession(pool, user.id(), user.product(), "pending", null);
        String worker = "test-worker-" + UUID.randomUUID();

        send.report(id, worker, "run-1", "working", 1_000_000);
        awaitDatabaseState(id, "working");
        send.report(id, worker, "run-2", "stopping", 5);          // the next run counts from less: applied all the same
        awaitDatabaseState(id, "stopping");
        send.report(id, worker, "run-1", "working", 2_000_000);   // the previous run, late: backwards, ignored
        send.report(id, worker, "run-2", "stopped", 4);           // stale within its run: ignored
        Instant marker = send.heartbeat(id, worker, "run-2", "stopping", 6); // applied after both, same partition
        awaitHealthCheck(id, marker);
        assertEquals("stopping", workerState(id));
        send.report(id, worker, "run-2", "stopped", 7);
        awaitDatabaseState(id, "stopped");
    }

    /**
     * Two worker processes on one host with default settings (issue 18). The one started first takes
     * the sessions of the other over, and a stop then reaches {@code stopped} in the API. Both used to
     * be named after the host, each counting {@code seq} from its own start time, so every report of
     * the first one, after the takeover, was dropped as older than the second one's.
     */
    @Test
    void twoWorkersOfOneHostWithDefaultSettingsHandSessionsOverAndStopsAreConfirmed() {
        TestUser user = newUser();
        SessionWorker first = workers.current().orElseThrow();
        SessionWorker second = others.another();
        second.start();
        first.stop();
        try {
            String id = create(user, stream.rtspUri(), false);
            awaitWorkerState(user, id, "working");
            await().atMost(SOON).until(() -> second.runningSessions().contains(id));
            awaitWorkerId(id, second.id());

            // the worker started first takes the session over from the one started later
            first.start();
            second.stop();
            await().atMost(SOON).until(() -> first.runningSessions().contains(id));
            awaitWorkerId(id, first.id());
            assertEquals("working", workerState(id));

            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200)
                    .body("meta.workerState", org.hamcrest.Matchers.equalTo("stopping"));
            awaitWorkerState(user, id, "stopped");
        } finally {
            second.stop();
            first.start();
        }
        assertNotEquals(first.id(), second.id(), "two processes of one host never share a name");
        for (SessionWorker worker : List.of(first, second)) {
            assertTrue(worker.id().endsWith("-" + ProcessHandle.current().pid() + "-" + worker.identity().run()),
                    worker.id() + ": host, process and run, readable in logs");
        }
    }

    private void awaitWorkerId(String id, String workerId) {
        await().atMost(SOON).until(() -> workerId.equals(
                Database.row(pool, "select worker_id from sessions where id = $1", id).getString("worker_id")));
    }

    @Test
    void aSecondWorkerResumesTheRunningSessionsOfAWorkerThatDiedAndNotTheStoppedOnes() {
        TestUser user = newUser();
        String running = create(user, stream.rtspUri(), false);
        String stopped = create(user, stream.rtspUri(), false);
        awaitWorkerState(user, running, "working");
        awaitWorkerState(user, stopped, "working");
        user.call().when().post("/v1/sessions/" + stopped + "/stop").then().statusCode(200);
        awaitWorkerState(user, stopped, "stopped");

        SessionWorker first = workers.current().orElseThrow();
        SessionWorker second = others.another("second-worker");
        second.start();
        try {
            first.stop();
            await().atMost(SOON).until(() -> second.runningSessions().contains(running));
            assertFalse(second.runningSessions().contains(stopped), "a stopped session is never started again");
            // the new owner's reports and heartbeats now keep the session
            await().atMost(SOON).until(() -> "second-worker".equals(
                    Database.row(pool, "select worker_id from sessions where id = $1", running).getString("worker_id")));
            assertEquals("working", workerState(running));
            assertEquals("stopped", workerState(stopped));
            user.call().when().post("/v1/sessions/" + running + "/stop").then().statusCode(200);
            awaitWorkerState(user, running, "stopped");
        } finally {
            second.stop();
            first.start();
        }
    }

    @Test
    void aStopNobodyAnswersIsSentAgainThenTheSessionIsLost() {
        TestUser user = newUser();
        stopWhileNoWorkerFollows(user, id -> {
            await().atMost(SOON).until(() -> Database.rows(pool, "select 1 from outbox where session_id = $1 and type = $2 "
                    + "and payload::json->>'reason' = 'stop_deadline'", id, SessionStopRequested.TYPE).size() >= 1);
            awaitWorkerState(user, id, "lost");
            assertTrue(Database.row(pool, "select stop_attempts from sessions where id = $1", id).getInteger("stop_attempts") >= 3);
        });
    }

    /**
     * A stop written while no worker follows its partition (its owner died before confirming it, say)
     * is confirmed by the next owner as it catches up, without waiting for the api to send it again:
     * before, a stop that fell into a catch-up was never confirmed, and the session ended lost.
     */
    @Test
    void theNextOwnerConfirmsAStopItsPredecessorDidNotLiveToConfirm() {
        TestUser user = newUser();
        String id = stopWhileNoWorkerFollows(user, stopped -> {
            // the api will not send it again for an hour: only the next owner's catch-up can confirm it
            Database.rows(pool, "update sessions set stop_requested_at = now() + interval '1 hour' where id = $1", stopped);
            // on the topic before the worker comes back, so that it is part of the catch-up, not a live command
            await().atMost(SOON).until(() -> Database.rows(pool, "select 1 from outbox where session_id = $1 and type = $2 "
                    + "and published_at is not null", stopped, SessionStopRequested.TYPE).size() == 1);
        });
        awaitWorkerState(user, id, "stopped");
    }

    /**
     * Stops a working session while this process's worker is away (no other follows its partition);
     * {@code meanwhile} runs before the worker comes back. Answers the session's id.
     */
    private String stopWhileNoWorkerFollows(TestUser user, java.util.function.Consumer<String> meanwhile) {
        String id = Database.insertSession(pool, user.id(), user.product(), "working", Instant.now());
        SessionWorker worker = workers.current().orElseThrow();
        worker.stop();
        try {
            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200)
                    .body("meta.workerState", org.hamcrest.Matchers.equalTo("stopping"));
            meanwhile.accept(id);
        } finally {
            worker.start();
        }
        return id;
    }

    @Test
    void aSessionWhoseWorkerWentSilentIsLost() {
        TestUser user = newUser();
        String id = Database.insertSession(pool, user.id(), user.product(), "working", Instant.now().minus(Duration.ofMinutes(5)));
        awaitWorkerState(user, id, "lost");
        user.call().when().get("/v1/sessions/" + id).then().body("state", org.hamcrest.Matchers.equalTo("finished"));
        assertEquals("worker_lost", Database.row(pool, "select payload::json->>'reason' as reason from outbox "
                + "where session_id = $1 and type = $2", id, SessionStopRequested.TYPE).getString("reason"));
    }

    @Test
    void theApiHearsEveryPartitionOfTheReports() {
        awaitHeardEverywhere();
    }

    private void awaitHeardEverywhere() {
        await().atMost(SOON).untilAsserted(() -> {
            Row heard = Database.row(pool, "select count(*) as partitions, min(heard_until) > now() - interval '5 seconds' as current "
                    + "from worker_states_heard");
            assertEquals(partitions, heard.getLong("partitions"));
            assertTrue(heard.getBoolean("current"));
        });
    }

    /**
     * A broker (or api) outage silences every worker at once, from the api's point of view: their
     * sessions must not be declared lost for it, only once the api has heard the reports again for a
     * whole deadline and the session's worker still says nothing.
     */
    @Test
    void aSessionIsNotLostWhileTheApiCannotHearTheWorkers() {
        TestUser user = newUser();
        // before the first marks, the deadlines run by the wall clock
        awaitHeardEverywhere();
        LocalBroker.stop();
        String id;
        try {
            // silent for 10 s of the 15 s deadline when the outage began: by the wall clock, lost 5 s into it
            id = Database.insertSession(pool, user.id(), user.product(), "working", Instant.now().minus(Duration.ofSeconds(10)));
            await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12)).untilAsserted(() -> assertEquals("working",
                    Database.row(pool, "select worker_state from sessions where id = $1", id).getString("worker_state")));
        } finally {
            LocalBroker.start();
        }
        // heard again: its worker gets a whole deadline (15 s) of listening to speak up, since the
        // reports it held back during the outage may come after the api's first new marks
        await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("working",
                Database.row(pool, "select worker_state from sessions where id = $1", id).getString("worker_state")));
        // and it still says nothing
        awaitWorkerState(user, id, "lost");
    }

    @Test
    void anExpiredSessionIsStoppedWithReasonExpired() {
        TestUser user = newUser();
        String id = create(user, stream.rtspUri(), true);
        awaitWorkerState(user, id, "working");
        Database.rows(pool, "update sessions set expires_at = now() - interval '1 second' where id = $1", id);
        awaitWorkerState(user, id, "stopped");
        user.call().when().get("/v1/sessions/" + id).then().body("state", org.hamcrest.Matchers.equalTo("finished"));
        assertEquals("expired", Database.row(pool, "select payload::json->>'reason' as reason from outbox "
                + "where session_id = $1 and type = $2", id, SessionStopRequested.TYPE).getString("reason"));
        assertFalse(Files.exists(Path.of(mediaDir, id)), "an expiry honours removeMedia like any stop");
    }

    @Test
    void theWorkerIsReadyOnceInItsGroup() {
        // another test may just have restarted it
        await().atMost(SOON).untilAsserted(() -> io.restassured.RestAssured.given().when().get("/q/health/ready").then()
                .statusCode(200).body("checks.find { it.name == 'Session worker' }.status", org.hamcrest.Matchers.equalTo("UP")));
    }


    private String workerState(String id) {
        return Database.row(pool, "select worker_state from sessions where id = $1", id).getString("worker_state");
    }

    private void awaitDatabaseState(String id, String state) {
        await().atMost(SOON).until(() -> state.equals(workerState(id)));
    }

    private void awaitHealthCheck(String id, Instant at) {
        await().atMost(SOON).until(() -> {
            var value = Database.row(pool, "select health_check_at from sessions where id = $1", id).getOffsetDateTime("health_check_at");
            return value != null && !value.toInstant().isBefore(at);
        });
        assertNotNull(at);
    }
}
