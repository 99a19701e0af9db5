package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.emogg.session.realtime.RealtimeShutdown;
import com.emogg.testing.WsClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An api replica stopped the way Kubernetes stops a pod: SIGTERM, with a shutdown delay (the
 * deployment sets one so the load balancer stops sending traffic first). The packaged application
 * in prod mode, on a real PostgreSQL and Kafka broker, since neither dev nor test mode runs
 * Quarkus's graceful shutdown.
 *
 * <p>What clients rely on: a WebSocket client is told to reconnect elsewhere (1001) at once, not cut
 * off 20 s later; a connection opened during the delay is sent away too; a {@code ?wait=} in
 * progress is answered with the session as it is, not dropped; readiness goes down; and the process
 * is gone well within the pod's grace period (60 s in deploy/base).
 */
class ReplicaShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELAY = Duration.ofSeconds(3);

    @Test
    void aStoppingReplicaSendsItsClientsAwayAndAnswersItsWaits() throws Exception {
        try (Servers servers = Servers.start("shutdown")) {
            AppProcess api = servers.app("api", "api")
                    .with("QUARKUS_SHUTDOWN_DELAY", DELAY.toString());
            api.start();

            JsonNode user = JSON.readTree(servers.send(api, "POST", "/admin/v1/tokens", AppProcess.ADMIN_TOKEN, "{}")
                    .get(30, TimeUnit.SECONDS).body());
            String token = user.path("token").asText();
            // no worker runs here: the session stays pending, so a wait for "working" can only end by its timeout
            HttpResponse<String> created = servers.send(api, "POST", "/v1/sessions", token,
                    "{\"name\":\"shutdown\",\"streamUri\":\"rtsp://127.0.0.1:9/live\"}").get(30, TimeUnit.SECONDS);
            assertEquals(201, created.statusCode(), created.body());
            String session = JSON.readTree(created.body()).path("_id").asText();

            try (WsClient follower = new WsClient(api.port)) {
                assertEquals(200, follower.request("{\"id\":1,\"path\":\"auth:token\",\"body\":{\"token\":\"" + token + "\"}}")
                        .path("status").asInt());
                CompletableFuture<HttpResponse<String>> waiting = servers.send(api, "GET", "/v1/sessions/" + session
                        + "?wait=working&timeout=60s", token, null);
                com.emogg.testing.Sleep.millis(500);
                assertTrue(!waiting.isDone(), "the wait answered before the shutdown");

                long terminated = System.nanoTime();
                api.terminate();
                assertEquals(RealtimeShutdown.GOING_AWAY, follower.closeCode(Duration.ofSeconds(2)),
                        "the WebSocket client is told to go away at once");
                HttpResponse<String> answered = waiting.get(2, TimeUnit.SECONDS);
                assertEquals(200, answered.statusCode(), answered.body());
                assertEquals("pending", JSON.readTree(answered.body()).path("meta").path("workerState").asText());

                // during the delay the replica still accepts connections (the load balancer may not know yet)
                try (WsClient late = new WsClient(api.port)) {
                    assertEquals(RealtimeShutdown.GOING_AWAY, late.closeCode(Duration.ofSeconds(2)),
                            "a client that connects during the shutdown delay is sent away too");
                }
                assertEquals(503, api.status("/q/health/ready"), "readiness is down during the delay");

                OptionalInt exit = api.awaitExit(Duration.ofSeconds(45));
                double seconds = (System.nanoTime() - terminated) / 1e9;
                Log.line("api exited %s %.1f s after SIGTERM", exit, seconds);
                assertTrue(exit.isPresent(), "the replica still runs 45 s after SIGTERM");
                // 143 = 128 + SIGTERM: how a JVM ends on a signal once its shutdown hooks are done
                assertEquals(143, exit.getAsInt(), "exit code; see " + api.log());
            }
        }
    }
}
