package com.emogg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/** docker-compose.yml cannot run here (no Docker engine): it is read and checked against the application. */
@QuarkusTest
class ComposeFileTest {

    @ConfigProperty(name = "emogg.topics.session-commands")
    String sessionCommands;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    @ConfigProperty(name = "emogg.topics.session-events")
    String sessionEvents;

    @Test
    void theComposeFileStartsTheSystemInOrderWithHealthChecksAndEnvironmentOnly() {
        ObjectNode compose = Kustomize.read(Path.of("docker-compose.yml")).get(0);
        JsonNode services = compose.path("services");
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
        assertEquals(services.path("api").path("image"), services.path("worker").path("image"), "one image, two roles");
        assertEquals("api", services.at("/api/environment/EMOGG_ROLE").asText());
        assertEquals("worker", services.at("/worker/environment/EMOGG_ROLE").asText());
        assertEquals("src/main/docker/Dockerfile.jvm", services.at("/api/build/dockerfile").asText());
        assertTrue(Path.of("src/main/docker/Dockerfile.jvm").toFile().isFile());

        ConfigNames names = new ConfigNames();
        for (String service : List.of("api", "worker")) {
            services.path(service).path("environment").fieldNames()
                    .forEachRemaining(key -> assertTrue(names.exists(key), service + ": " + key + " is a setting"));
            assertTrue(services.path(service).path("healthcheck").path("test").toString().contains("/q/health/ready"));
        }

        String topics = services.path("kafka-topics").path("command").toString();
        for (String topic : List.of(sessionCommands, workerStates, sessionEvents, sessionCommands + "-dlq", workerStates + "-dlq")) {
            assertTrue(topics.contains("--topic " + topic + " "), "creates " + topic);
        }
        assertTrue(topics.contains("--topic " + sessionCommands + " --partitions 6 --config cleanup.policy=compact"));
    }
}
