package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.contract.SessionCreated;
import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.emogg.contract.SessionStopped;
import com.emogg.contract.WorkerStateChanged;
import com.emogg.local.LoopbackStream;
import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.TopicRecords;
import com.emogg.testing.TopicRecords.Received;
import com.emogg.worker.SessionWorkers;

import io.quarkus.test.junit.QuarkusTest;

/** A request's trace goes on through the outbox and Kafka to the worker and its reports. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracePropagationTest {

    private static final Duration SOON = Duration.ofSeconds(60);

    @Inject
    SessionWorkers workers;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String commandsTopic;

    @ConfigProperty(name = "emogg.topics.session-events")
    String factsTopic;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String reportsTopic;

    LoopbackStream stream;
    TopicRecords commands;
    TopicRecords facts;
    TopicRecords reports;

    @BeforeAll
    void start() {
        stream = LoopbackStream.start(0, 0);
        commands = new TopicRecords(bootstrap, commandsTopic);
        facts = new TopicRecords(bootstrap, factsTopic);
        reports = new TopicRecords(bootstrap, reportsTopic);
        workers.startWorker();
    }

    @AfterAll
    void stop() {
        workers.stopWorker();
        stream.close();
        commands.close();
        facts.close();
        reports.close();
    }

    @Test
    void theTraceOfACreateAndOfAStopReachesTheirEventsTheWorkerAndItsReports() {
        TestUser user = newUser();
        String createTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String stopTrace = "0af7651916cd43dd8448eb211c80319c";
        String id = user.json().header("traceparent", "00-" + createTrace + "-00f067aa0ba902b7-01")
                .body(Map.of("name", "traced", "streamUri", stream.rtspUri()))
                .when().post("/v1/sessions").then().statusCode(201).extract().path("_id");
        await().atMost(SOON).until(() -> "working".equals(user.call().when().get("/v1/sessions/" + id).then().extract()
                .path("meta.workerState")));
        user.call().header("traceparent", "00-" + stopTrace + "-b7ad6b7169203331-01")
                .when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);

        var stored = Database.rows(pool, "select type, traceparent from outbox where session_id = $1 order by seq", id).stream()
                .map(row -> row.getString(0) + "=" + row.getString(1)).toList();
        assertTrue(stored.stream().filter(row -> row.startsWith("SessionCreated") || row.startsWith("SessionStartRequested"))
                .allMatch(row -> row.contains(createTrace)), "the outbox keeps the request's trace: " + stored);
        await().atMost(SOON).untilAsserted(() -> {
            assertTraced(commands.ofType(id, SessionStartRequested.TYPE), createTrace);
            assertTraced(facts.ofType(id, SessionCreated.TYPE), createTrace);
            assertTraced(commands.ofType(id, SessionStopRequested.TYPE), stopTrace);
            assertTraced(facts.ofType(id, SessionStopped.TYPE), stopTrace);
            List<Received> stopped = reports.ofType(id, WorkerStateChanged.TYPE).stream()
                    .filter(record -> record.value().contains("\"stopped\"")).toList();
            assertTraced(stopped, stopTrace);
        });
    }

    private static void assertTraced(List<Received> records, String traceId) {
        assertTrue(!records.isEmpty(), "a record");
        for (Received record : records) {
            String traceparent = record.header("traceparent");
            assertTrue(traceparent != null && traceparent.contains(traceId), record.type() + " carries the trace: " + record.headers());
        }
    }
}
