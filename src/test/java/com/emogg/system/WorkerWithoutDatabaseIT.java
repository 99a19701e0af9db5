package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;
import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A worker runs on Kafka alone: the packaged jar started with nothing but {@code EMOGG_ROLE=worker}
 * and {@code KAFKA_BOOTSTRAP_SERVERS} (and its port) starts, becomes ready, runs a session and stops
 * it, with no database setting, no admin token and none of the api's endpoints.
 */
class WorkerWithoutDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aWorkerGivenOnlyItsRoleAndKafkaRunsAndStopsSessions() throws Exception {
        Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path jar = project.resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "no packaged application: run ./mvnw package (or verify) first");
        Path runDir = project.resolve("target/worker-without-database");
        Folders.deleteRecursively(runDir);
        Files.createDirectories(runDir);
        ChildProcesses children = new ChildProcesses(runDir.resolve("pids"), line -> Log.line("%s", line));
        Network network = Network.loopback();
        try (PostgresServer postgres = new PostgresServer(runDir, runDir.resolve("pg-binaries"), children, network.root());
                KafkaCluster kafka = new KafkaCluster(network, runDir, children, "nodb", 1);
                LoopbackStream stream = LoopbackStream.start(0, 0)) {
            CompletableFuture<Void> broker = CompletableFuture.runAsync(kafka::start);
            postgres.start();
            broker.join();
            AppProcess api = new AppProcess("api", "api", network.host("api"), jar, runDir, project, postgres, kafka, children, "nodb");
            api.start();
            AppProcess worker = new AppProcess("worker", "worker", network.host("worker"), jar, runDir, project, postgres, kafka, children, "nodb")
                    .only("EMOGG_ROLE", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_PORT");
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
            send(api, "POST", "/v1/sessions/" + id + "/stop", token, "");
            awaitWorkerState(api, token, id, "stopped");

            String log = Files.readString(worker.log());
            assertTrue(log.contains("follows session-commands"), "the worker followed its commands");
            assertFalse(log.contains("Flyway") || log.contains("datasource") || log.contains("DATASOURCE"),
                    "no database anywhere in the worker's log");
        } finally {
            children.killAll();
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + process.port + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }
}
