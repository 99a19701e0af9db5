package com.emogg.contract;

import static com.emogg.testing.TestApi.newUser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.testing.TopicRecords;
import com.emogg.testing.TopicRecords.Received;
import com.emogg.worker.SessionWorkers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Every example of {@code docs/asyncapi.yaml} is what the code really emits: a session's whole life
 * is run through the api and a real worker, every record of the topics is read, and for each message
 * of the document the emitted records of its {@code ce_type} must have exactly the example's fields,
 * nested ones too, with the same JSON types, the same values where the schema fixes them, and the
 * example's headers.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncApiExamplesTest {

    private static final Duration SOON = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers a record has only sometimes: a trace context when there is one. */
    private static final List<String> OPTIONAL_HEADERS = List.of("traceparent");

    @Inject
    SessionWorkers workers;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "emogg.topics.session-commands")
    String commandsTopic;

    @ConfigProperty(name = "emogg.topics.worker-states")
    String reportsTopic;

    @ConfigProperty(name = "emogg.topics.session-events")
    String factsTopic;

    LoopbackStream stream;
    JsonNode document;

    @BeforeAll
    void start() throws IOException {
        document = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs", "asyncapi.yaml").toFile());
        workers.startWorker();
        stream = LoopbackStream.start(0, 0);
    }

    @AfterAll
    void stop() {
        workers.stopWorker();
        stream.close();
    }

    @Test
    void everyExampleOfTheDocumentIsWhatTheCodeEmits() throws Exception {
        TestUser user = newUser();
        String id = user.json().body(Map.of("name", "Lobby camera", "streamUri", stream.rtspUri(), "config", Map.of("removeMedia", true)))
                .when().post("/v1/sessions").then().statusCode(201).extract().path("_id");
        user.json().body(Map.of("name", "Hall camera")).when().patch("/v1/sessions/" + id).then().statusCode(200);
        await().atMost(SOON).until(() -> "working".equals(user.call().when().get("/v1/sessions/" + id).then().extract().path("meta.workerState")));
        try (TopicRecords reports = new TopicRecords(bootstrap, reportsTopic)) {
            // a working session gets a heartbeat a second; stopped at once it may have none, and its example nothing to hold
            await("a heartbeat of the session").atMost(SOON)
                    .until(() -> reports.of(id).stream().anyMatch(record -> WorkerHeartbeat.TYPE.equals(record.type())));
        }
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        await().atMost(SOON).until(() -> "stopped".equals(user.call().when().get("/v1/sessions/" + id).then().extract().path("meta.workerState")));
        user.call().when().delete("/v1/sessions/" + id).then().statusCode(204);
        sendAnUnreadableCommand(id);

        Map<String, List<Received>> emitted = new LinkedHashMap<>();
        try (TopicRecords commands = new TopicRecords(bootstrap, commandsTopic);
                TopicRecords reports = new TopicRecords(bootstrap, reportsTopic);
                TopicRecords facts = new TopicRecords(bootstrap, factsTopic);
                TopicRecords deadLetters = new TopicRecords(bootstrap, commandsTopic + "-dlq")) {
            await("the session's SessionDeleted").atMost(SOON)
                    .until(() -> facts.of(id).stream().anyMatch(record -> "SessionDeleted".equals(record.type())));
            await("a report watermark").atMost(SOON)
                    .until(() -> reports.all().stream().anyMatch(record -> ReportWatermark.TYPE.equals(record.type())));
            await("the dead-lettered command").atMost(SOON).until(() -> deadLetters.of(id).size() > 0);
            for (Received record : concat(commands.of(id), reports.of(id), facts.of(id))) {
                if (record.header("ce_source") == null) {
                    continue; // the unreadable record this test wrote itself
                }
                emitted.computeIfAbsent(record.type(), type -> new ArrayList<>()).add(record);
            }
            reports.all().stream().filter(record -> ReportWatermark.TYPE.equals(record.type())).limit(3)
                    .forEach(record -> emitted.computeIfAbsent(record.type(), type -> new ArrayList<>()).add(record));
            emitted.put("DeadLetter", deadLetters.of(id));
        }

        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> messages = document.at("/components/messages").fields(); messages.hasNext(); ) {
            Map.Entry<String, JsonNode> message = messages.next();
            String type = message.getValue().path("name").asText(message.getKey());
            List<Received> records = emitted.getOrDefault(type, List.of());
            assertFalse(records.isEmpty(), "the code emitted no " + type + " in this life; emitted: " + emitted.keySet());
            for (JsonNode example : message.getValue().path("examples")) {
                for (Received record : records) {
                    String where = type + " example '" + example.path("name").asText() + "' vs " + record.value();
                    JsonNode payload = example.path("payload");
                    if (payload.isNull()) {
                        assertEquals(null, record.value(), where + ": a tombstone has no value");
                    } else if (payload.isTextual()) {
                        // a record set aside as it was: the example is its raw value
                        assertSameShape("", JSON.readTree(payload.asText()), JSON.readTree(record.value()), where);
                    } else if (!payload.isMissingNode()) {
                        assertSameShape("", payload, JSON.readTree(record.value()), where);
                        assertFixedValues(message.getValue().path("payload"), JSON.readTree(record.value()), where);
                    }
                    assertSameHeaders(example.path("headers"), record, type);
                }
            }
            checked.add(type);
        }
        assertTrue(checked.size() >= 12, "every message of the document was checked: " + checked);
    }

    /** The same fields, recursively, with the same JSON types (a number is a number, whatever its value). */
    private static void assertSameShape(String path, JsonNode example, JsonNode emitted, String where) {
        assertEquals(kind(example), kind(emitted), where + ": the type of " + (path.isEmpty() ? "the body" : path));
        if (example.isObject()) {
            assertEquals(new TreeSet<>(names(example)), new TreeSet<>(names(emitted)), where + ": the fields of " + (path.isEmpty() ? "the body" : path));
            example.fields().forEachRemaining(field -> assertSameShape(path + "/" + field.getKey(), field.getValue(),
                    emitted.get(field.getKey()), where));
        }
    }

    /** Where the schema fixes a value ({@code const}, {@code enum}), the emitted value is one of them. */
    private static void assertFixedValues(JsonNode schema, JsonNode emitted, String where) {
        schema.path("properties").fields().forEachRemaining(property -> {
            JsonNode value = emitted.get(property.getKey());
            if (value == null || value.isNull()) {
                return;
            }
            if (property.getValue().has("const")) {
                assertEquals(property.getValue().get("const").asText(), value.asText(), where + ": " + property.getKey());
            }
            if (property.getValue().has("enum")) {
                List<String> allowed = new ArrayList<>();
                property.getValue().get("enum").forEach(option -> allowed.add(option.asText()));
                assertTrue(allowed.contains(value.asText()), where + ": " + property.getKey() + " " + value + " not in " + allowed);
            }
            if (value.isObject()) {
                assertFixedValues(property.getValue(), value, where);
            }
        });
    }

    private static void assertSameHeaders(JsonNode example, Received record, String type) {
        TreeSet<String> documented = new TreeSet<>(names(example));
        TreeSet<String> sent = new TreeSet<>(record.headers().keySet());
        documented.removeAll(OPTIONAL_HEADERS);
        sent.removeAll(OPTIONAL_HEADERS);
        assertEquals(documented, sent, type + ": the headers");
        for (String fixed : List.of("ce_type", "ce_source", "ce_specversion", "content-type")) {
            if (example.has(fixed)) {
                assertEquals(example.get(fixed).asText(), record.header(fixed), type + ": " + fixed);
            }
        }
    }

    private void sendAnUnreadableCommand(String sessionId) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            // a start without a stream: unreadable, as the document's example
            ProducerRecord<String, String> record = new ProducerRecord<>(commandsTopic, sessionId,
                    "{\"schemaVersion\": 1, \"sessionId\": \"" + sessionId + "\"}");
            record.headers().add("ce_type", SessionStartRequested.TYPE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_subject", sessionId.getBytes(StandardCharsets.UTF_8));
            producer.send(record);
        }
    }

    private static JsonNodeType kind(JsonNode node) {
        return node == null ? JsonNodeType.MISSING : node.getNodeType();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @SafeVarargs
    private static List<Received> concat(List<Received>... lists) {
        List<Received> all = new ArrayList<>();
        for (List<Received> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
