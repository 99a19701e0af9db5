package com.emogg.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.emogg.outbox.RelayConfig;
import com.emogg.worker.WorkerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/** What `kubectl apply -k deploy/overlays/<env>` would send, checked against the application itself. */
@QuarkusTest
class DeployManifestsTest {

    @Inject
    WorkerConfig worker;

    @Inject
    RelayConfig relay;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String sessionCommands;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    @ConfigProperty(name = "emogg.topics.session-events")
    String sessionEvents;

    @ConfigProperty(name = "emogg.topics.partitions", defaultValue = "6")
    int partitions;

    @ConfigProperty(name = "quarkus.shutdown.timeout")
    Duration shutdownTimeout;

    /** Read by the image's launcher (run-java.sh of the UBI OpenJDK image), not by the application. */
    private static final java.util.Set<String> IMAGE_SETTINGS = java.util.Set.of("JAVA_MAX_MEM_RATIO", "JAVA_OPTS_APPEND");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theOverlayRendersADeployableSystem(String overlay) {
        List<ObjectNode> resources = Kustomize.render(Path.of("deploy/overlays", overlay));
        String namespace = overlay.equals("prod") ? "emogg" : "emogg-dev";
        resources.forEach(resource -> assertEquals(namespace, resource.path("metadata").path("namespace").asText(),
                resource.path("kind").asText() + " " + resource.path("metadata").path("name").asText()));

        ObjectNode api = Kustomize.find(resources, "Deployment", "emogg-api");
        ObjectNode workers = Kustomize.find(resources, "Deployment", "emogg-worker");
        String image = overlay.equals("prod") ? "registry.example.com/emogg/sessions:1.0.0" : "emogg/sessions:1.0.0-SNAPSHOT";
        assertEquals(overlay.equals("prod") ? 3 : 1, api.path("spec").path("replicas").asInt());
        ConfigNames names = new ConfigNames();
        ObjectNode configMap = Kustomize.find(resources, "ConfigMap", "emogg-config");
        configMap.path("data").fieldNames().forEachRemaining(key -> assertTrue(names.exists(key), "ConfigMap key " + key + " is a setting"));
        String port = configMap.path("data").path("QUARKUS_HTTP_PORT").asText();

        for (ObjectNode deployment : List.of(api, workers)) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            assertEquals(image, container.path("image").asText());
            assertEquals(port, container.path("ports").get(0).path("containerPort").asText());
            assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
            assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
            assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText());
            assertFalse(container.path("resources").path("requests").isMissingNode(), "resource requests");
            assertFalse(container.path("resources").path("limits").path("memory").isMissingNode(), "a memory limit");
            boolean heapBounded = false;
            Duration shutdownDelay = Duration.ZERO;
            for (JsonNode variable : container.path("env")) {
                String name = variable.path("name").asText();
                heapBounded |= name.equals("JAVA_MAX_MEM_RATIO");
                if (name.equals("QUARKUS_SHUTDOWN_DELAY")) {
                    shutdownDelay = Duration.parse("PT" + variable.path("value").asText().toUpperCase());
                }
                assertTrue(IMAGE_SETTINGS.contains(name) || names.exists(name), "env " + name + " is a setting");
            }
            assertTrue(heapBounded, "the heap is bounded below the memory limit (JAVA_MAX_MEM_RATIO)");
            assertTrue(pod.path("terminationGracePeriodSeconds").asLong()
                    > shutdownDelay.plus(shutdownTimeout).plus(relay.drainTimeout()).toSeconds(),
                    "time for the shutdown delay, the requests in flight and the relay's drain");
            assertEquals(deployment.path("spec").path("selector").path("matchLabels"),
                    ((ObjectNode) deployment.path("spec").path("template").path("metadata").path("labels").deepCopy())
                            .retain("app.kubernetes.io/name"));
        }
        assertEquals("api", api.at("/spec/template/spec/containers/0/env/0/value").asText());
        assertEquals("worker", workers.at("/spec/template/spec/containers/0/env/0/value").asText());
        assertEquals("http", Kustomize.find(resources, "Service", "emogg-api").at("/spec/ports/0/targetPort").asText());
        assertEquals(2, Kustomize.ofKind(resources, "PodDisruptionBudget").size());

        // the secret the pods read carries the secrets an operator provides
        List<String> secretKeys = new ArrayList<>();
        Kustomize.read(Path.of("deploy/base/secret.example.yaml")).get(0).path("stringData").fieldNames().forEachRemaining(secretKeys::add);
        secretKeys.forEach(key -> assertTrue(names.exists(key), "secret key " + key + " is a setting"));
        assertEquals(overlay.equals("dev"), !Kustomize.ofKind(resources, "Secret").isEmpty(), "only dev ships a (placeholder) secret");

        ObjectNode scaler = Kustomize.find(resources, "ScaledObject", "emogg-worker");
        JsonNode trigger = scaler.at("/spec/triggers/0");
        assertEquals("kafka", trigger.path("type").asText());
        assertEquals(worker.group(), trigger.path("metadata").path("consumerGroup").asText(), "KEDA watches the workers' group");
        assertEquals(sessionCommands, trigger.path("metadata").path("topic").asText());
        assertEquals("emogg-worker", scaler.at("/spec/scaleTargetRef/name").asText());
        assertTrue(scaler.at("/spec/maxReplicaCount").asInt() <= partitions, "no more workers than partitions");
        assertEquals(configMap.path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText(), trigger.path("metadata").path("bootstrapServers").asText());

        Set<String> topics = Kustomize.ofKind(resources, "KafkaTopic").stream().map(topic -> topic.at("/metadata/name").asText())
                .collect(Collectors.toSet());
        assertEquals(Set.of(sessionCommands, workerStates, sessionEvents, sessionCommands + "-dlq", workerStates + "-dlq"), topics);
        ObjectNode commands = Kustomize.find(resources, "KafkaTopic", sessionCommands);
        assertEquals("compact", commands.at("/spec/config/cleanup.policy").asText(), "the desired-state log is compacted");
        assertEquals(partitions, commands.at("/spec/partitions").asInt());
        if (overlay.equals("dev")) {
            Kustomize.ofKind(resources, "KafkaTopic").forEach(topic -> assertEquals(1, topic.at("/spec/replicas").asInt()));
        }
    }

    @org.junit.jupiter.api.Test
    void theProbesTheManifestsUseAnswer() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
            given().when().get(path).then().statusCode(200);
        }
    }
}
