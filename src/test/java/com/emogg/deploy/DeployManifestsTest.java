package com.emogg.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.emogg.outbox.RelayConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The files of deploy/ as written, checked against the application itself: every setting they pass
 * is one the application has, the topics are the application's, the probes and the grace period
 * leave the application's own waits time to end. What kustomize renders of them (security
 * contexts, budgets, policies, schemas) is checked with the real tools in .ci/deploy-checks.
 */
@QuarkusTest
class DeployManifestsTest {

    private static final String BASE = "deploy/base/";

    @Inject
    RelayConfig relay;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String sessionCommands;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String workerStates;

    @ConfigProperty(name = "emogg.topics.session-events")
    String sessionEvents;

    @ConfigProperty(name = "quarkus.shutdown.timeout")
    Duration shutdownTimeout;

    @ConfigProperty(name = "emogg.database.connect-timeout")
    Duration databaseConnectTimeout;

    @ConfigProperty(name = "emogg.database.wait-for-connection")
    Duration databaseWaitForConnection;

    /** Read by the image's launcher (run-java.sh of the UBI OpenJDK image), not by the application. */
    private static final Set<String> IMAGE_SETTINGS = Set.of("JAVA_MAX_MEM_RATIO", "JAVA_OPTS_APPEND");

    private static JsonNode container(String deployment) {
        return DeployFiles.yaml(BASE + deployment + "-deployment.yaml").get(0).at("/spec/template/spec/containers/0");
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> variables = new HashMap<>();
        container.path("env").forEach(variable -> variables.put(variable.path("name").asText(), variable));
        return variables;
    }

    @Test
    void everyVariableTheManifestsSetIsASettingOfTheApplication() {
        ConfigNames names = new ConfigNames();
        for (String file : List.of("common", "api", "worker")) {
            DeployFiles.env(BASE + "config/" + file + ".env").keySet()
                    .forEach(key -> assertTrue(names.exists(key), "config/" + file + ".env: " + key + " is a setting"));
        }
        for (String deployment : List.of("api", "worker")) {
            env(container(deployment)).keySet().forEach(name -> assertTrue(IMAGE_SETTINGS.contains(name) || names.exists(name),
                    deployment + ": env " + name + " is a setting"));
        }
        assertEquals("api", env(container("api")).get("EMOGG_ROLE").path("value").asText());
        assertEquals("worker", env(container("worker")).get("EMOGG_ROLE").path("value").asText());
    }

    @Test
    void secretsGoToTheApiOneKeyAtATimeAndNeverToWorkers() {
        ObjectNode kustomization = DeployFiles.yaml(BASE + "kustomization.yaml").get(0);
        Map<String, String> configMapFiles = new HashMap<>();
        kustomization.path("configMapGenerator").forEach(generator -> configMapFiles.put(generator.path("name").asText(),
                generator.path("envs").path(0).asText()));

        JsonNode worker = container("worker");
        List<String> workerSettings = new ArrayList<>(env(worker).keySet());
        worker.path("envFrom").forEach(source -> {
            assertTrue(source.path("secretRef").isMissingNode(), "a worker reads no Secret");
            workerSettings.addAll(DeployFiles.env(BASE + configMapFiles.get(source.at("/configMapRef/name").asText())).keySet());
        });
        env(worker).values().forEach(variable -> assertTrue(variable.at("/valueFrom/secretKeyRef").isMissingNode(), "a worker reads no Secret"));
        for (String name : workerSettings) {
            assertFalse(name.startsWith("QUARKUS_DATASOURCE_") || name.equals("EMOGG_ADMIN_TOKEN"), "a worker gets no " + name);
        }
        assertTrue(workerSettings.contains("KAFKA_BOOTSTRAP_SERVERS"));

        // the api: each secret by its key, from the Secrets the example and the dev overlay describe
        JsonNode api = container("api");
        api.path("envFrom").forEach(source -> assertTrue(source.path("secretRef").isMissingNode(), "no whole Secret as environment"));
        Map<String, Set<String>> exampleKeys = new HashMap<>();
        DeployFiles.yaml(BASE + "secret.example.yaml").forEach(secret -> {
            Set<String> keys = new java.util.HashSet<>();
            secret.path("stringData").fieldNames().forEachRemaining(keys::add);
            exampleKeys.put(secret.at("/metadata/name").asText(), keys);
        });
        Map<String, String> devLiterals = new HashMap<>();
        DeployFiles.yaml("deploy/overlays/dev/kustomization.yaml").get(0).path("secretGenerator").forEach(generator ->
                generator.path("literals").forEach(literal -> devLiterals.put(generator.path("name").asText() + "/"
                        + literal.asText().substring(0, literal.asText().indexOf('=')), "")));
        ConfigNames names = new ConfigNames();
        Set<String> secretVariables = env(api).values().stream().filter(variable -> !variable.at("/valueFrom/secretKeyRef").isMissingNode())
                .map(variable -> {
                    JsonNode reference = variable.at("/valueFrom/secretKeyRef");
                    String secret = reference.path("name").asText();
                    String key = reference.path("key").asText();
                    assertTrue(exampleKeys.getOrDefault(secret, Set.of()).contains(key), secret + "/" + key + " in secret.example.yaml");
                    assertTrue(devLiterals.containsKey(secret + "/" + key), secret + "/" + key + " in the dev overlay's secretGenerator");
                    assertTrue(names.exists(variable.path("name").asText()));
                    return variable.path("name").asText();
                }).collect(Collectors.toSet());
        assertEquals(Set.of("QUARKUS_DATASOURCE_PASSWORD", "EMOGG_ADMIN_TOKEN"), secretVariables);
    }

    @Test
    void probesAndGracePeriodOutlastTheApplicationsOwnWaits() {
        Duration databaseWaits = databaseConnectTimeout.plus(databaseWaitForConnection);
        for (String deployment : List.of("api", "worker")) {
            JsonNode pod = DeployFiles.yaml(BASE + deployment + "-deployment.yaml").get(0).at("/spec/template/spec");
            JsonNode container = pod.path("containers").get(0);
            assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
            assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
            assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                // Kubernetes' default is 1 s: a readiness check waiting on the database would time out first
                assertTrue(container.path(probe).path("timeoutSeconds").asLong(1) > databaseWaits.toSeconds(),
                        deployment + " " + probe + ": timeout above the database waits (" + databaseWaits.toSeconds() + " s)");
            }
            Duration shutdownDelay = Duration.ZERO;
            JsonNode delay = env(container).get("QUARKUS_SHUTDOWN_DELAY");
            if (delay != null) {
                shutdownDelay = Duration.parse("PT" + delay.path("value").asText().toUpperCase());
            }
            assertTrue(pod.path("terminationGracePeriodSeconds").asLong()
                    > shutdownDelay.plus(shutdownTimeout).plus(relay.drainTimeout()).toSeconds(),
                    deployment + ": time for the shutdown delay, the requests in flight and the relay's drain");
        }
    }

    @Test
    void theTopicsAreTheApplicationsAndTheirPartitionsHaveOneSource() {
        List<ObjectNode> topics = DeployFiles.yaml(BASE + "topics.yaml");
        assertEquals(Set.of(sessionCommands, workerStates, sessionEvents, sessionCommands + "-dlq", workerStates + "-dlq"),
                topics.stream().map(topic -> topic.at("/metadata/name").asText()).collect(Collectors.toSet()));
        assertEquals("compact", DeployFiles.find(BASE + "topics.yaml", "KafkaTopic", sessionCommands).at("/spec/config/cleanup.policy").asText(),
                "the desired-state log is compacted");
        Map<String, String> common = DeployFiles.env(BASE + "config/common.env");
        assertEquals(sessionCommands, common.get("EMOGG_TOPICS_SESSION_COMMANDS"));
        assertEquals(workerStates, common.get("EMOGG_TOPICS_WORKER_STATES"));
        assertEquals(sessionEvents, common.get("EMOGG_TOPICS_SESSION_EVENTS"));
        assertEquals("false", common.get("EMOGG_TOPICS_CREATE"), "the KafkaTopics own the topics");

        // the partitions of the topics keyed by session, and KEDA's maximum, are replaced from one setting
        JsonNode replacement = DeployFiles.yaml(BASE + "kustomization.yaml").get(0).path("replacements").get(0);
        assertEquals("data.EMOGG_TOPICS_PARTITIONS", replacement.at("/source/fieldPath").asText());
        Set<String> targets = new java.util.HashSet<>();
        replacement.path("targets").forEach(target -> targets.add(target.at("/select/kind").asText() + "/" + target.at("/select/name").asText()
                + " " + target.at("/fieldPaths/0").asText()));
        assertEquals(Set.of("KafkaTopic/" + sessionCommands + " spec.partitions", "KafkaTopic/" + workerStates + " spec.partitions",
                "KafkaTopic/" + sessionEvents + " spec.partitions", "ScaledObject/emogg-worker spec.maxReplicaCount"), targets);
        assertTrue(Integer.parseInt(common.get("EMOGG_TOPICS_PARTITIONS")) > 0);
    }

    /** The image must not override the deployments' heap bound: the JVM keeps the last heap flag. */
    @Test
    void theImageLeavesTheHeapBoundToTheDeployments() {
        Pattern heapFlag = Pattern.compile("-Xmx|-XX:MaxRAM|-XX:MaxRAMPercentage|-XX:MaxRAMFraction");
        String dockerfile = DeployFiles.text("src/main/docker/Dockerfile.jvm");
        Matcher opts = Pattern.compile("ENV\\s+JAVA_OPTS(_APPEND)?=\"([^\"]*)\"").matcher(dockerfile);
        while (opts.find()) {
            assertFalse(heapFlag.matcher(opts.group(2)).find(), "Dockerfile.jvm: no heap flag in " + opts.group());
        }
        assertTrue(Pattern.compile("ENV\\s+JAVA_MAX_MEM_RATIO=(\\d+)").matcher(dockerfile).find(), "Dockerfile.jvm: a default heap bound");
        String pom = DeployFiles.text("pom.xml");
        String imageProfile = pom.substring(pom.indexOf("<id>image</id>"), pom.indexOf("</profile>", pom.indexOf("<id>image</id>")));
        Matcher jib = Pattern.compile("<(quarkus\\.jib\\.[^>]+)>([^<]*)<").matcher(imageProfile);
        while (jib.find()) {
            assertFalse(heapFlag.matcher(jib.group(2)).find(), "pom.xml, profile image: no heap flag in " + jib.group(1));
        }
        assertTrue(imageProfile.contains("<quarkus.jib.environment-variables.JAVA_MAX_MEM_RATIO>"), "the Jib image has the same default bound");
        for (String deployment : List.of("api", "worker")) {
            assertTrue(env(container(deployment)).containsKey("JAVA_MAX_MEM_RATIO"), deployment + " bounds the heap");
        }
    }

    @Test
    void theProbesTheManifestsUseAnswer() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
            given().when().get(path).then().statusCode(200);
        }
    }
}
