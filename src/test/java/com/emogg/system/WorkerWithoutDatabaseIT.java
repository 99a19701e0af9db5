package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A worker runs on Kafka alone: the packaged jar started with nothing but {@code EMOGG_ROLE=worker}
 * and {@code KAFKA_BOOTSTRAP_SERVERS} (and its port, and the network of the test's loopback stream)
 * starts, becomes ready, runs a session and stops it, with no database setting, no admin token and
 * none of the api's endpoints.
 */
class WorkerWithoutDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Servers servers;

    @Test
    void aWorkerGivenOnlyItsRoleAndKafkaRunsAndStopsSessions() throws Exception {
        try (Servers servers = Servers.start("worker-without-database"); LoopbackStream stream = LoopbackStream.start(0, 0)) {
            this.servers = servers;
            AppProcess api = servers.app("api", "api");
            api.start();
            // its port, and the loopback network of this test's stream, which workers refuse by default
            AppProcess worker = servers.app("worker", "worker").only("EMOGG_ROLE", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_PORT",
                    "EMOGG_WORKER_ALLOWED_NETWORKS");
            worker.start();

            awaitStatus(worker, "/q/health/ready", 200, Duration.ofSeconds(60));
            for (String path : new String[] {"/v1/sessions", "/admin/v1/tokens", "/ws/v1"}) {
                assertEquals(404, worker.status(path), "a worker serves no " + path);
            }
            assertEquals(200, worker.status("/q/metrics"));

            String token = JSON.readTree(send(api, "POST", "/admin/v1/tokens", AppProcess.ADMIN_TOKEN, "{}")).path("token").asText();
            JsonNode created = JSON.readTree(send(api, "POST", "/v1/sessions", token,
                    "{\"name\":\"no database here\",\"streamUri\":\"" + stream.rtspUri() + "\"}"));
            String id = created.path("_id").asText();
            awaitWorkerState(api, token, id, "working");
            send(api, "POST", "/v1/sessions/" + id + "/stop", token, null);
            awaitWorkerState(api, token, id, "stopped");

            String log = Files.readString(worker.log());
            assertTrue(log.contains("follows session-commands"), "the worker followed its commands");
            assertFalse(log.contains("Flyway") || log.contains("datasource") || log.contains("DATASOURCE"),
                    "no database anywhere in the worker's log");
        }
    }

    private void awaitWorkerState(AppProcess api, String token, String id, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = JSON.readTree(send(api, "GET", "/v1/sessions/" + id, token, null)).path("meta").path("workerState").asText();
            if (state.equals(seen)) {
                return;
            }
            Sleep.millis(200);
        }
        throw new AssertionError("session " + id + " did not reach " + state + " (last " + seen + ")");
    }

    private static void awaitStatus(AppProcess process, String path, int status, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (process.status(path) != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " of " + process + " is not " + status + " within " + within);
            }
            Sleep.millis(200);
        }
    }

    private String send(AppProcess process, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = servers.send(process, method, path, token, body).get(90, TimeUnit.SECONDS);
        assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }
}
