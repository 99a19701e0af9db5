package com.emogg.outbox;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.contract.SessionSettled;
import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.emogg.testing.Database;
import com.emogg.testing.LocalBroker;
import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.TopicRecords;
import com.emogg.testing.TopicRecords.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Stops and creates reach the session-commands topic after commit, at least once, in order per
 * session, whatever fails: against the real PostgreSQL and Kafka broker.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionCommandsRelayTest {

    private static final Duration PUBLISHED = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;

    @Inject
    OutboxRelay relays;

    @Inject
    EventPublisher publisher;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String topic;

    TopicRecords commands;

    @BeforeAll
    void readTopic() {
        commands = new TopicRecords(bootstrap, topic);
    }

    @AfterAll
    void closeTopic() {
        commands.close();
    }

    private static void stop(TestUser user, String id) {
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
    }

    /** The sessions of these tests have no worker: their stop settles them at once, so their tombstone follows their stop. */
    private void awaitStopped(String... sessionIds) {
        await().atMost(PUBLISHED).untilAsserted(() -> {
            for (String id : sessionIds) {
                assertFalse(commands.ofType(id, SessionStopRequested.TYPE).isEmpty(), "stop of " + id + " published");
                assertFalse(commands.ofType(id, SessionSettled.TYPE).isEmpty(), "tombstone of " + id + " published");
            }
        });
    }

    @Test
    void createAndStopPublishExactlyOneCommandEachWithCloudEventHeadersAndBody() throws Exception {
        TestUser user = newUser();
        String id = user.createSession("published", true);
        stop(user, id);
        awaitStopped(id);
        // a later stop of another session, published after it, proves nothing else was on its way
        String marker = user.createSession("marker");
        stop(user, marker);
        awaitStopped(marker);

        List<Received> records = commands.of(id);
        assertEquals(List.of(SessionStartRequested.TYPE, SessionStopRequested.TYPE, SessionSettled.TYPE),
                records.stream().map(Received::type).toList(), "a session stopped before any worker took it is settled at once");
        var outbox = Database.rows(pool, "select id, type, occurred_at, published_at, payload from outbox where session_id = $1 "
                + "and stream = 'commands' order by seq", id);
        assertEquals(3, outbox.size());

        Received start = records.get(0);
        Received stop = records.get(1);
        Received tombstone = records.get(2);
        for (int i = 0; i < 3; i++) {
            Received record = records.get(i);
            assertEquals(id, record.key(), "keyed by session id");
            assertEquals("1.0", record.header("ce_specversion"));
            assertEquals(outbox.get(i).getUUID("id").toString(), record.id(), "ce_id is the outbox event id");
            assertEquals(outbox.get(i).getString("type"), record.type());
            assertEquals("/emogg/sessions", record.header("ce_source"));
            assertEquals(id, record.header("ce_subject"));
            assertEquals(outbox.get(i).getOffsetDateTime("occurred_at").toInstant(), Instant.parse(record.header("ce_time")));
            assertEquals(record == tombstone ? null : "application/json", record.header("content-type"));
            assertEquals(outbox.get(i).getString("payload"), record.value(), "the body exactly as recorded");
            assertNotNull(outbox.get(i).getOffsetDateTime("published_at"), "marked published once acknowledged");
        }
        assertEquals(start.partition(), stop.partition());
        assertEquals(stop.partition(), tombstone.partition());
        assertTrue(start.offset() < stop.offset());
        assertTrue(stop.offset() < tombstone.offset(), "the tombstone after the stop: compaction never leaves a start without it");
        assertEquals(null, tombstone.value(), "a Kafka tombstone: compaction removes the session's commands");
        assertFalse(tombstone.headers().containsKey("ce_datacontenttype"));

        JsonNode startBody = JSON.readTree(start.value());
        assertEquals(1, startBody.get("schemaVersion").asInt());
        assertEquals(id, startBody.get("sessionId").asText());
        assertEquals(user.id(), startBody.get("user").asText());
        assertEquals(user.product(), startBody.get("product").asText());
        assertEquals(TestApi.streamUri(), startBody.get("streamUri").asText(), "the worker needs the stream URI to start");
        assertTrue(startBody.get("removeMedia").asBoolean());
        assertNotNull(startBody.get("expires").asText());

        JsonNode stopBody = JSON.readTree(stop.value());
        // the body the database builds is exactly the documented record
        SessionStopRequested stopEvent = JSON.readValue(stop.value(), SessionStopRequested.class);
        assertEquals(stopBody, JSON.readTree(JSON.writeValueAsString(stopEvent)));
        assertEquals(Instant.parse(stop.header("ce_time")), Instant.parse(stopEvent.requestedAt()));
        assertEquals(1, stopBody.get("schemaVersion").asInt());
        assertEquals(id, stopBody.get("sessionId").asText());
        assertEquals(user.id(), stopBody.get("user").asText());
        assertEquals("user", stopBody.get("reason").asText());
        assertTrue(stopBody.get("removeMedia").asBoolean());
        assertFalse(stop.value().contains(TestApi.STREAM_SECRET), "only the start command carries the stream URI");
        assertFalse(stopBody.has("streamUri"));
    }

    @Test
    void aStopWhoseTransactionFailsAfterTheInsertPublishesNothing() {
        TestUser user = newUser();
        String doomed = user.createSession("doomed");
        // fails the commit itself, after the stop's update and the outbox insert ran
        Database.failingCommitsOf(pool, doomed,
                () -> user.call().when().post("/v1/sessions/" + doomed + "/stop").then().statusCode(500));

        assertEquals("active", Database.row(pool, "select state from sessions where id = $1", doomed).getString("state"));
        assertEquals(List.of(SessionStartRequested.TYPE), Database.rows(pool, "select type from outbox where session_id = $1 and stream = 'commands'", doomed)
                .stream().map(row -> row.getString("type")).toList());
        String marker = user.createSession("marker");
        stop(user, marker);
        awaitStopped(marker);
        assertTrue(commands.ofType(doomed, SessionStopRequested.TYPE).isEmpty(), "a rolled-back stop is never published");
        // the session is still active, and a real stop now goes through
        stop(user, doomed);
        awaitStopped(doomed);
    }

    @Test
    void stopsAcceptedWhileTheBrokerIsDownAllArriveOnceItIsBack() {
        TestUser user = newUser();
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> user.createSession("outage " + i)).toList();
        double failuresBefore = failures();
        LocalBroker.stop();
        try {
            long started = System.nanoTime();
            for (String id : ids) {
                user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
            }
            long perStopMillis = Duration.ofNanos(System.nanoTime() - started).toMillis() / ids.size();
            assertTrue(perStopMillis < 500, "a broker outage does not slow stops down (" + perStopMillis + " ms each)");
            assertEquals(200L, Database.row(pool, "select count(*) from outbox o join sessions s on s.id = o.session_id "
                    + "where s.user_id = $1 and o.type = 'SessionStopRequested' and o.published_at is null", user.id()).getLong(0));
            // long enough for the relay to fail and back off, not just for the producer to retry
            await().atMost(Duration.ofSeconds(60)).until(() -> failures() > failuresBefore);
        } finally {
            LocalBroker.start();
        }
        awaitStopped(ids.toArray(String[]::new));
        for (String id : ids) {
            assertEquals(List.of(SessionStartRequested.TYPE, SessionStopRequested.TYPE, SessionSettled.TYPE),
                    distinctById(commands.of(id)).stream().map(Received::type).toList(), "in order: " + id);
        }
    }

    @Test
    void eventsRecordedWhileNoRelayRunsGoOutWithAFreshRelay() {
        RelayLoop main = relays.current().orElseThrow();
        main.stop(Duration.ZERO);
        TestUser user = newUser();
        List<String> ids = new ArrayList<>();
        RelayLoop fresh = relays.loop("fresh");
        try {
            for (int i = 0; i < 20; i++) {
                String id = user.createSession("crash " + i);
                stop(user, id);
                ids.add(id);
            }
            // committed, not published: as if the process had died right after the commits
            assertEquals(60L, Database.row(pool, "select count(*) from outbox where published_at is null and stream = 'commands' and session_id = any($1)",
                    (Object) ids.toArray(String[]::new)).getLong(0));
            assertTrue(commands.of(ids.get(0)).isEmpty());
            fresh.start();
            awaitStopped(ids.toArray(String[]::new));
        } finally {
            fresh.stop(Duration.ZERO);
            main.start();
        }
        for (String id : ids) {
            assertEquals(List.of(SessionStartRequested.TYPE, SessionStopRequested.TYPE, SessionSettled.TYPE),
                    commands.of(id).stream().map(Received::type).toList());
        }
    }

    @Test
    void twoRelaysOnOneDatabaseLoseNothingAndKeepEachSessionsOrder() throws Exception {
        RelayLoop second = relays.loop("second");
        second.start();
        TestUser user = newUser();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<String> ids;
        try {
            List<CompletableFuture<String>> lifecycles = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                int n = i;
                lifecycles.add(CompletableFuture.supplyAsync(() -> {
                    String id = user.createSession("replicas " + n);
                    stop(user, id);
                    return id;
                }, clients));
                if (i == 30) {
                    // the relay that leads dies mid-run; the other one takes over
                    (relays.current().orElseThrow().isLeader() ? relays.current().orElseThrow() : second).stop(Duration.ZERO);
                }
            }
            ids = lifecycles.stream().map(CompletableFuture::join).toList();
            awaitStopped(ids.toArray(String[]::new));
        } finally {
            clients.shutdown();
            second.stop(Duration.ZERO);
            relays.current().orElseThrow().start();
        }
        for (String id : ids) {
            List<Received> records = commands.of(id);
            assertEquals(List.of(SessionStartRequested.TYPE, SessionStopRequested.TYPE, SessionSettled.TYPE),
                    distinctById(records).stream().map(Received::type).toList(), "per-session order of " + id);
            Map<String, Long> copies = records.stream().collect(Collectors.groupingBy(Received::id, Collectors.counting()));
            assertTrue(copies.values().stream().allMatch(count -> count <= 2), "at most one duplicate per event: " + copies);
        }
    }

    @Test
    void aHundredConcurrentStopsOfTwentySessionsPublishTwentyStops() {
        TestUser user = newUser();
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> user.createSession("crowd " + i)).toList();
        ExecutorService clients = Executors.newFixedThreadPool(20);
        Map<Integer, Integer> statuses = new HashMap<>();
        try {
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String id = ids.get(i % 20);
                calls.add(CompletableFuture.supplyAsync(
                        () -> user.call().when().post("/v1/sessions/" + id + "/stop").then().extract().statusCode(), clients));
            }
            calls.forEach(call -> statuses.merge(call.join(), 1, Integer::sum));
        } finally {
            clients.shutdown();
        }
        assertEquals(Map.of(200, 20, 400, 80), statuses);
        awaitStopped(ids.toArray(String[]::new));
        String marker = user.createSession("marker");
        stop(user, marker);
        awaitStopped(marker);
        long stops = ids.stream().mapToLong(id -> distinctById(commands.ofType(id, SessionStopRequested.TYPE)).size()).sum();
        assertEquals(20, stops);
        assertEquals(20L, Database.row(pool, "select count(*) from outbox where type = 'SessionStopRequested' and session_id = any($1)",
                (Object) ids.toArray(String[]::new)).getLong(0));
    }

    @Test
    void aRelayFencedByTheNextLeaderPublishesNothingOfWhatItHadOnItsWay() throws Exception {
        String session = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        PendingEvent stale = new PendingEvent(-1, java.util.UUID.randomUUID(), session, EventStream.COMMANDS, SessionStopRequested.TYPE,
                "{\"fenced\":true}", Instant.now(), null);
        PendingEvent fresh = new PendingEvent(-2, java.util.UUID.randomUUID(), session, EventStream.COMMANDS, SessionStopRequested.TYPE,
                "{\"fenced\":false}", Instant.now(), null);
        RelayLoop main = relays.current().orElseThrow();
        main.stop(Duration.ZERO);
        try (Publication old = publisher.open("old")) {
            old.send(List.of(stale));
            // the broker wrote it in the old leader's open transaction: a send on its way when that leader lost its lock
            old.awaitWritten(Duration.ofSeconds(20));
            try (Publication next = publisher.open("next")) {
                RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, old::commit);
                assertTrue(Publication.fenced(refused), "the old leader is fenced: " + refused);
                next.send(List.of(fresh));
                next.commit();
            }
        } finally {
            main.start();
        }
        await().atMost(PUBLISHED).until(() -> !commands.of(session).isEmpty());
        // a marker published after both proves the reader got past them
        TestUser user = newUser();
        String marker = user.createSession("marker");
        stop(user, marker);
        awaitStopped(marker);
        assertEquals(List.of(fresh.id().toString()), commands.of(session).stream().map(Received::id).toList(),
                "only the next leader's event is ever seen by a consumer reading committed records");
    }

    private double failures() {
        var counter = registry.find("emogg.relay.publish.failures").counter();
        return counter == null ? 0 : counter.count();
    }

    /** At-least-once: consumers drop the copies of an event they already saw, by ce_id. */
    private static List<Received> distinctById(List<Received> records) {
        Map<String, Received> first = new java.util.LinkedHashMap<>();
        records.forEach(record -> first.putIfAbsent(record.id(), record));
        return List.copyOf(first.values());
    }
}
