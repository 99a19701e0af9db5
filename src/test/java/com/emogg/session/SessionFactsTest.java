package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.contract.SessionCreated;
import com.emogg.contract.SessionDeleted;
import com.emogg.contract.SessionRenamed;
import com.emogg.contract.SessionStopped;
import com.emogg.contract.SessionWorkerStateChanged;
import com.emogg.examples.SessionLedger;
import com.emogg.testing.Database;
import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.TopicRecords;
import com.emogg.testing.TopicRecords.Received;
import com.emogg.testing.WorkerStateRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** The public session-events topic is an exact, ordered history of each session. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFactsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.session-events")
    String topic;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    TopicRecords facts;
    WorkerStateRecords reports;

    @BeforeAll
    void start() {
        facts = new TopicRecords(bootstrap, topic);
        reports = new WorkerStateRecords(bootstrap, workerStates);
    }

    @AfterAll
    void stop() {
        facts.close();
        reports.close();
    }

    private List<String> types(String sessionId) {
        return distinct(facts.of(sessionId)).stream().map(Received::type).toList();
    }

    private void awaitTypes(String sessionId, List<String> expected) {
        await().atMost(SOON).untilAsserted(() -> assertEquals(expected, types(sessionId)));
    }

    @Test
    void aSessionsWholeLifeIsOnTheTopicInOrderAndAConsumerRebuildsItFromTheTopicAlone() throws Exception {
        TestUser user = newUser();
        String full = user.createSession("full life");
        String neverPicked = user.createSession("never picked up");
        String running = user.createSession("still running");

        user.json().body(Map.of("name", "renamed life")).when().patch("/v1/sessions/" + full).then().statusCode(200);
        user.json().body(Map.of("name", "renamed life")).when().patch("/v1/sessions/" + full).then().statusCode(200); // no change
        reports.report(full, "w1", "starting", 1);
        reports.report(full, "w1", "working", 2);
        reports.report(running, "w1", "starting", 3);
        await().atMost(SOON).until(() -> "working".equals(Database.row(pool, "select worker_state from sessions where id = $1", full)
                .getString("worker_state")));
        user.call().when().post("/v1/sessions/" + full + "/stop").then().statusCode(200);
        reports.report(full, "w1", "stopped", 4);
        await().atMost(SOON).until(() -> "stopped".equals(Database.row(pool, "select worker_state from sessions where id = $1", full)
                .getString("worker_state")));
        user.call().when().delete("/v1/sessions/" + full).then().statusCode(204);
        user.call().when().post("/v1/sessions/" + neverPicked + "/stop").then().statusCode(200);
        user.call().when().delete("/v1/sessions/" + neverPicked).then().statusCode(204);

        awaitTypes(full, List.of("SessionCreated", "SessionRenamed", "SessionWorkerStateChanged", "SessionWorkerStateChanged",
                "SessionStopped", "SessionWorkerStateChanged", "SessionWorkerStateChanged", "SessionDeleted"));
        awaitTypes(neverPicked, List.of("SessionCreated", "SessionStopped", "SessionWorkerStateChanged", "SessionDeleted"));
        awaitTypes(running, List.of("SessionCreated", "SessionWorkerStateChanged"));

        List<Received> life = distinct(facts.of(full));
        assertEquals(List.of("pending>starting", "starting>working", "working>stopping", "stopping>stopped"),
                life.stream().filter(record -> record.type().equals("SessionWorkerStateChanged"))
                        .map(record -> body(record).path("previousWorkerState").asText() + ">" + body(record).path("workerState").asText())
                        .toList());
        JsonNode stopped = body(life.get(4));
        assertEquals("user", stopped.path("reason").asText());
        assertEquals("user", stopped.path("stoppedBy").asText());
        assertEquals(user.id(), stopped.path("user").asText());
        assertEquals(user.product(), stopped.path("product").asText());
        JsonNode created = body(life.get(0));
        assertEquals("full life", created.path("name").asText());
        assertEquals(TestApi.STREAM_HOST, created.path("source").path("name").asText());
        assertEquals("renamed life", body(life.get(1)).path("name").asText());
        assertEquals("full life", body(life.get(1)).path("previousName").asText());
        for (Received record : facts.all()) {
            assertEquals(record.key(), record.header("ce_subject"));
            assertEquals("1.0", record.header("ce_specversion"));
            assertFalse(record.value().contains(TestApi.STREAM_SECRET) || record.value().contains("streamUri")
                    || record.value().contains(TestApi.STREAM_PATH), "no stream URI on the public topic: " + record.value());
        }
        // each body is the documented record
        JSON.readValue(stopped.toString(), SessionStopped.class);
        JSON.readValue(created.toString(), SessionCreated.class);

        // another team's consumer, from the topic alone, agrees with the API
        try (SessionLedger ledger = new SessionLedger(bootstrap, topic, "ledger-" + UUID.randomUUID())) {
            await().atMost(SOON).untilAsserted(() -> {
                ledger.poll(Duration.ofMillis(500));
                assertTrue(ledger.sessions().containsKey(full) && ledger.sessions().get(full).deleted);
            });
            SessionLedger.Entry deleted = ledger.sessions().get(full);
            assertEquals("renamed life", deleted.name);
            assertEquals("finished", deleted.state);
            assertEquals("stopped", deleted.workerState);
            assertEquals(BigDecimal.valueOf(stopped.path("duration").decimalValue().doubleValue()).compareTo(deleted.duration), 0);

            var api = user.call().when().get("/v1/sessions/" + running).then().statusCode(200).extract().jsonPath();
            SessionLedger.Entry rebuilt = ledger.sessions().get(running);
            assertEquals(api.getString("name"), rebuilt.name);
            assertEquals(api.getString("state"), rebuilt.state);
            assertEquals(api.getString("meta.workerState"), rebuilt.workerState);
            assertEquals(api.getString("timestamp"), rebuilt.timestamp);
            assertEquals(api.getString("user"), rebuilt.user);
        }
    }

    @Test
    void aFinishedSessionsDurationOnTheTopicIsTheOneTheApiShows() {
        TestUser user = newUser();
        String id = user.createSession("billed");
        float apiDuration = user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200).extract().path("duration");
        await().atMost(SOON).until(() -> !distinct(facts.ofType(id, SessionStopped.TYPE)).isEmpty());
        BigDecimal onTopic = body(facts.ofType(id, SessionStopped.TYPE).get(0)).path("duration").decimalValue();
        assertEquals(apiDuration, onTopic.floatValue(), 0.0005);
        user.call().when().get("/v1/sessions/" + id).then().extract().path("duration");
    }

    @Test
    void aRolledBackChangeProducesNothing() {
        TestUser user = newUser();
        String id = user.createSession("doomed rename");
        Database.failingCommitsOf(pool, id,
                () -> user.json().body(Map.of("name", "never")).when().patch("/v1/sessions/" + id).then().statusCode(500));
        user.call().when().get("/v1/sessions/" + id).then().statusCode(200).body("name", org.hamcrest.Matchers.equalTo("doomed rename"));
        String marker = user.createSession("marker");
        await().atMost(SOON).until(() -> !facts.ofType(marker, SessionCreated.TYPE).isEmpty());
        assertEquals(List.of("SessionCreated"), types(id), "no SessionRenamed for a rename that rolled back");
    }

    private static JsonNode body(Received record) {
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Received> distinct(List<Received> records) {
        Map<String, Received> first = new java.util.LinkedHashMap<>();
        records.forEach(record -> first.putIfAbsent(record.id(), record));
        return List.copyOf(first.values());
    }
}
