package com.emogg.session.realtime;

import static com.emogg.testing.TestApi.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.platform.ObjectIds;
import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.WorkerStateRecords;
import com.emogg.testing.WsClient;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** The WebSocket API with a plain WebSocket client, fed by real worker reports through Kafka and PostgreSQL. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealtimeApiTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    @Inject
    Pool pool;

    WorkerStateRecords reports;

    @BeforeAll
    void start() {
        reports = new WorkerStateRecords(bootstrap, workerStates);
    }

    @AfterAll
    void stop() {
        reports.close();
    }

    private WsClient authenticated(TestUser user) {
        WsClient client = new WsClient(port);
        JsonNode reply = client.request("{\"id\":1,\"path\":\"auth:token\",\"body\":{\"token\":\"" + user.token() + "\"}}");
        assertEquals(200, reply.get("status").asInt(), reply.toString());
        assertEquals(1, reply.get("id").asInt());
        assertEquals("auth:token", reply.get("path").asText());
        return client;
    }

    @Test
    void pingAnswersTheServerTime() {
        try (WsClient client = authenticated(newUser())) {
            JsonNode pong = client.request("{\"id\":\"p\",\"path\":\"ping\"}");
            assertEquals("p", pong.get("id").asText());
            assertEquals(200, pong.get("status").asInt());
            Instant ts = Instant.parse(pong.get("body").get("ts").asText());
            assertTrue(Duration.between(ts, Instant.now()).abs().toSeconds() < 5);
        }
    }

    @Test
    void aSubscriptionGetsTheLastStateAtOnceThenEveryChangeUntilUnsubscribed() {
        TestUser user = newUser();
        String id = user.createSession("watched");
        try (WsClient client = authenticated(user)) {
            JsonNode subscribed = client.request("{\"id\":2,\"path\":\"channels:subscribe\",\"body\":{\"channel\":\"session_worker_state\",\"key\":\""
                    + id + "\"}}");
            assertEquals(200, subscribed.get("status").asInt(), subscribed.toString());
            String subscription = subscribed.get("body").get("subscriptionId").asText();
            assertEvent(client.next(), subscription, "pending");

            reports.report(id, "test-worker", "starting", 1);
            assertEvent(client.next(), subscription, "starting");
            reports.report(id, "test-worker", "working", 2);
            assertEvent(client.next(), subscription, "working");
            // a change made by the api itself (the stop) is an event too
            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
            assertEvent(client.next(), subscription, "stopping");

            JsonNode unsubscribed = client.request("{\"path\":\"channels:unsubscribe\",\"body\":{\"subscriptionId\":\"" + subscription + "\"}}");
            assertEquals(200, unsubscribed.get("status").asInt());
            reports.report(id, "test-worker", "stopped", 3);
            JsonNode after = client.request("{\"path\":\"ping\"}");
            assertEquals("ping", after.get("path").asText(), "no event after unsubscribing: " + after);
            assertEquals(404, client.request("{\"path\":\"channels:unsubscribe\",\"body\":{\"subscriptionId\":\"" + subscription + "\"}}")
                    .get("status").asInt());
        }
    }

    @Test
    void aBadTokenIs401ThenClose() {
        WsClient client = new WsClient(port);
        JsonNode reply = client.request("{\"path\":\"auth:token\",\"body\":{\"token\":\"emg_nope\"}}");
        assertEquals(401, reply.get("status").asInt());
        assertEquals(1008, client.closeCode(Duration.ofSeconds(5)));
    }

    @Test
    void anythingButAuthFirstClosesTheConnection() {
        WsClient client = new WsClient(port);
        assertEquals(401, client.request("{\"path\":\"ping\"}").get("status").asInt());
        assertEquals(1008, client.closeCode(Duration.ofSeconds(5)));
    }

    @Test
    void aMalformedMessageClosesTheConnection() {
        for (String garbage : new String[] {"not json", "[1,2]", "{\"body\":{}}", "{\"path\":7}"}) {
            try (WsClient client = authenticated(newUser())) {
                client.send(garbage);
                assertEquals(1008, client.closeCode(Duration.ofSeconds(5)), garbage);
            }
        }
    }

    @Test
    void subscribingToAnotherUsersSessionOrAnUnknownChannelIs404() {
        TestUser owner = newUser();
        String theirs = owner.createSession("theirs");
        try (WsClient client = authenticated(newUser())) {
            assertEquals(404, client.request(subscribe(theirs)).get("status").asInt());
            assertEquals(404, client.request(subscribe(ObjectIds.next())).get("status").asInt());
            assertEquals(404, client.request("{\"path\":\"channels:subscribe\",\"body\":{\"channel\":\"emotions\",\"key\":\"" + theirs
                    + "\"}}").get("status").asInt());
            assertEquals(400, client.request("{\"path\":\"channels:subscribe\",\"body\":{\"channel\":\"session_worker_state\"}}")
                    .get("status").asInt());
            assertEquals(404, client.request("{\"path\":\"no:such\"}").get("status").asInt());
            assertTrue(!client.isClosed(), "a request for something missing does not close the connection");
        }
    }

    @Test
    void atMostFiveSubscriptionsPerConnectionAndTenPerUser() {
        TestUser user = newUser();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(user.createSession("many " + i));
        }
        try (WsClient first = authenticated(user); WsClient second = authenticated(user); WsClient third = authenticated(user)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, subscribed(first, ids.get(i)));
            }
            assertEquals(429, first.request(subscribe(ids.get(5))).get("status").asInt(), "the sixth on one connection");
            for (int i = 5; i < 10; i++) {
                assertEquals(200, subscribed(second, ids.get(i)));
            }
            assertEquals(429, third.request(subscribe(ids.get(10))).get("status").asInt(), "the eleventh of the user");
        }
        // closing the connections gives the subscriptions back
        try (WsClient again = authenticated(user)) {
            assertEquals(200, subscribed(again, ids.get(11)));
        }
    }

    @Test
    void moreThanEightyMessagesAMinuteAre429() {
        try (WsClient client = authenticated(newUser())) {
            for (int i = 0; i < 80; i++) {
                assertEquals(200, client.request("{\"path\":\"ping\"}").get("status").asInt());
            }
            assertEquals(429, client.request("{\"path\":\"ping\"}").get("status").asInt());
        }
    }

    @Test
    void anIdleConnectionIsClosed() {
        // the test profile shortens the contract's 65 s
        try (WsClient client = authenticated(newUser())) {
            assertEquals(1000, client.closeCode(Duration.ofSeconds(15)));
        }
    }

    @Test
    void aWorkerReportReachesTheClientQuickly() {
        TestUser user = newUser();
        String id = Database.insertSession(pool, user.id(), user.product(), "working", Instant.now());
        try (WsClient client = authenticated(user)) {
            JsonNode subscribed = client.request(subscribe(id));
            String subscription = subscribed.get("body").get("subscriptionId").asText();
            assertEvent(client.next(), subscription, "working");
            long sent = System.nanoTime();
            reports.report(id, "test-worker", "stopping", 10);
            assertEvent(client.next(), subscription, "stopping");
            assertTrue(Duration.ofNanos(System.nanoTime() - sent).toMillis() < 5_000);
        }
    }


    private static String subscribe(String sessionId) {
        return "{\"path\":\"channels:subscribe\",\"body\":{\"channel\":\"session_worker_state\",\"key\":\"" + sessionId + "\"}}";
    }

    private static int subscribed(WsClient client, String sessionId) {
        JsonNode reply = client.request(subscribe(sessionId));
        if (reply.get("status").asInt() == 200) {
            client.next(); // the state sent at once
        }
        return reply.get("status").asInt();
    }

    private static void assertEvent(JsonNode event, String subscription, String state) {
        assertTrue(event.isArray() && event.size() == 4, "an event array: " + event);
        assertEquals(subscription, event.get(0).asText());
        Instant.parse(event.get(1).asText());
        assertEquals("sws", event.get(2).asText());
        assertEquals(state, event.get(3).get(0).asText(), event.toString());
    }
}
