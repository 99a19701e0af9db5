package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;

/**
 * A PostgreSQL server and a one-node Kafka cluster as processes of their own, and the packaged application's
 * replicas against them: what a test of the application as production runs it needs.
 */
final class Servers implements AutoCloseable {

    private final String name;
    private final Path project;
    private final Path jar;
    private final Path runDir;
    private final ChildProcesses children;
    private final PostgresServer postgres;
    private final Network network = Network.loopback();
    private final KafkaCluster kafka;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Servers(String name) throws IOException {
        this.name = name;
        this.project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        this.jar = project.resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "no packaged application: run ./mvnw package (or verify) first");
        this.runDir = project.resolve("target").resolve(name);
        Folders.deleteRecursively(runDir);
        Files.createDirectories(runDir);
        this.children = new ChildProcesses(runDir.resolve("pids"), line -> Log.line("%s", line));
        this.postgres = new PostgresServer(runDir, runDir.resolve("pg-binaries"), children, network.root());
        this.kafka = new KafkaCluster(network, runDir, children, name, 1);
    }

    /** Both servers started, in {@code target/<name>}. */
    static Servers start(String name) throws IOException {
        Servers servers = new Servers(name);
        CompletableFuture<Void> broker = CompletableFuture.runAsync(servers.kafka::start);
        servers.postgres.start();
        broker.join();
        return servers;
    }

    /** A replica of the application in {@code role} (api or worker), not started. */
    AppProcess app(String processName, String role) {
        return new AppProcess(processName, role, network.host(processName), jar, runDir, project, postgres, kafka, children, name);
    }

    /** A request as a client sends it, with a bearer token and a JSON body when there is one. */
    CompletableFuture<HttpResponse<String>> send(AppProcess app, String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(90));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            kafka.close();
            postgres.close();
        } finally {
            children.killAll();
        }
    }
}
