package com.emogg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * docker-compose.yml cannot run here (no Docker engine): it is read and checked against the
 * application (its schema is checked against the Compose Specification in .ci/deploy-checks).
 */
@QuarkusTest
class ComposeFileTest {

    /** ReplicaShutdownIT measured a replica's exit 13-19 s after SIGTERM (README, "Graceful shutdown"). */
    private static final Duration MEASURED_SHUTDOWN = Duration.ofSeconds(19);

    @ConfigProperty(name = "emogg.topics.session-commands")
    String sessionCommands;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    @ConfigProperty(name = "emogg.topics.session-events")
    String sessionEvents;

    @ConfigProperty(name = "emogg.topics.partitions", defaultValue = "6")
    int partitions;

    private static JsonNode services() {
        ObjectNode compose = DeployFiles.yaml("docker-compose.yml").get(0);
        return compose.path("services");
    }

    @Test
    void theComposeFileStartsTheSystemInOrderWithHealthChecksAndEnvironmentOnly() {
        JsonNode services = services();
        for (String name : List.of("postgres", "kafka", "kafka-topics", "api", "worker")) {
            assertFalse(services.path(name).isMissingNode(), "service " + name);
        }
        for (String name : List.of("postgres", "kafka", "api", "worker")) {
            assertFalse(services.path(name).path("healthcheck").path("test").isMissingNode(), name + " has a health check");
        }
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:"), "the official Apache Kafka image");
        assertEquals("broker,controller", services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText(), "KRaft");
        assertEquals("service_healthy", services.at("/api/depends_on/postgres/condition").asText());
        assertEquals("service_healthy", services.at("/api/depends_on/kafka/condition").asText());
        assertEquals("service_completed_successfully", services.at("/api/depends_on/kafka-topics/condition").asText());
        assertEquals("service_healthy", services.at("/worker/depends_on/api/condition").asText());
        assertEquals("api", services.at("/api/environment/EMOGG_ROLE").asText());
        assertEquals("worker", services.at("/worker/environment/EMOGG_ROLE").asText());

        ConfigNames names = new ConfigNames();
        for (String service : List.of("api", "worker")) {
            services.path(service).path("environment").fieldNames()
                    .forEachRemaining(key -> assertTrue(names.exists(key), service + ": " + key + " is a setting"));
            assertTrue(services.path(service).path("healthcheck").path("test").toString().contains("/q/health/ready"));
        }
        services.at("/worker/environment").fieldNames().forEachRemaining(key -> assertFalse(
                key.startsWith("QUARKUS_DATASOURCE_") || key.equals("EMOGG_ADMIN_TOKEN"), "the worker gets no " + key));

        String topics = services.path("kafka-topics").path("command").toString();
        for (String topic : List.of(sessionCommands, workerStates, sessionEvents, sessionCommands + "-dlq", workerStates + "-dlq")) {
            assertTrue(topics.contains("--topic " + topic + " "), "creates " + topic);
        }
        assertTrue(topics.contains("--topic " + sessionCommands + " --partitions " + partitions + " --config cleanup.policy=compact"));
    }

    /** Both roles run the image built here: neither may be pulled from a registry that does not have it. */
    @Test
    void bothRolesAreBuiltFromTheOneImage() {
        JsonNode services = services();
        for (String service : List.of("api", "worker")) {
            assertEquals("src/main/docker/Dockerfile.jvm", services.at("/" + service + "/build/dockerfile").asText(), service + " is built");
            assertEquals("build", services.at("/" + service + "/pull_policy").asText(), service + " is never pulled");
            assertEquals(services.at("/api/image"), services.at("/" + service + "/image"), "one image, two roles");
            assertEquals(services.at("/api/build"), services.at("/" + service + "/build"), "one build, two roles");
        }
        assertTrue(Path.of("src/main/docker/Dockerfile.jvm").toFile().isFile());
    }

    /** `docker compose down && up` keeps the topics: the broker writes into its volume. */
    @Test
    void kafkaKeepsItsDataInItsVolume() {
        JsonNode kafka = services().path("kafka");
        String logDirs = kafka.at("/environment/KAFKA_LOG_DIRS").asText();
        assertFalse(logDirs.isEmpty(), "the image's default is /tmp/kraft-combined-logs, in no volume");
        boolean inVolume = false;
        for (JsonNode volume : kafka.path("volumes")) {
            String target = volume.isTextual() ? volume.asText().split(":")[1] : volume.path("target").asText();
            for (String directory : logDirs.split(",")) {
                inVolume |= directory.equals(target) || directory.startsWith(target + "/");
            }
        }
        assertTrue(inVolume, "KAFKA_LOG_DIRS " + logDirs + " is inside a volume");
        assertFalse(kafka.at("/environment/CLUSTER_ID").asText().isEmpty(), "the id the volume was formatted with");
    }

    @Test
    void replicasHaveTimeToDrainAndPortsStayOnThisMachine() {
        JsonNode services = services();
        for (String service : List.of("api", "worker")) {
            String grace = services.at("/" + service + "/stop_grace_period").asText();
            assertFalse(grace.isEmpty(), service + ": Docker's default 10 s kills a replica before it drained");
            assertTrue(Duration.parse("PT" + grace.toUpperCase(Locale.ROOT)).compareTo(MEASURED_SHUTDOWN) > 0,
                    service + ": stop_grace_period " + grace + " above the measured shutdown");
        }
        services.fields().forEachRemaining(service -> service.getValue().path("ports").forEach(port -> assertTrue(
                port.isTextual() ? port.asText().startsWith("127.0.0.1:") : "127.0.0.1".equals(port.path("host_ip").asText()),
                service.getKey() + ": port " + port + " published on 127.0.0.1 only")));
    }
}
