package com.emogg.session.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The OpenAPI document lists the contract: every endpoint, every status code, the Session fields. */
@QuarkusTest
class OpenApiTest {

    @Test
    void theDocumentDescribesEveryEndpointAndStatusCodeOfTheContract() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString());
        assertTrue(document.path("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
        assertEquals("Emogg sessions API", document.at("/info/title").asText());
        assertEquals("bearer", document.at("/components/securitySchemes/bearer/scheme").asText());

        Map<String, Set<String>> expected = Map.ofEntries(
                Map.entry("post /v1/sessions", Set.of("201", "400", "401", "409", "415", "422", "429")),
                Map.entry("get /v1/sessions", Set.of("200", "400", "401", "429")),
                Map.entry("get /v1/sessions/{id}", Set.of("200", "400", "401", "404", "429")),
                Map.entry("patch /v1/sessions/{id}", Set.of("200", "400", "401", "404", "415", "429")),
                Map.entry("post /v1/sessions/{id}/stop", Set.of("200", "400", "401", "404", "409", "422", "429")),
                Map.entry("delete /v1/sessions/{id}", Set.of("204", "400", "401", "404", "429")),
                Map.entry("post /admin/v1/tokens", Set.of("201", "400", "401", "409")),
                Map.entry("delete /admin/v1/tokens/{id}", Set.of("204", "401", "404")));
        Set<String> documented = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String key = operation.getKey() + " " + path.getKey();
            documented.add(key);
            if (expected.containsKey(key)) {
                Set<String> codes = new TreeSet<>();
                operation.getValue().path("responses").fieldNames().forEachRemaining(codes::add);
                assertEquals(new TreeSet<>(expected.get(key)), codes, key);
                assertFalse(operation.getValue().path("summary").asText().isBlank(), key + " has a summary");
                for (String code : codes) {
                    if (code.startsWith("4")) {
                        assertEquals("#/components/schemas/Error", operation.getValue().at("/responses/" + code
                                + "/content/application~1json/schema/$ref").asText(), key + " " + code + " has the error body");
                    }
                }
            }
        }));
        assertTrue(documented.containsAll(expected.keySet()), "missing: " + expected.keySet().stream().filter(k -> !documented.contains(k)).toList());

        JsonNode session = document.at("/components/schemas/Session/properties");
        for (String field : new String[] {"_id", "name", "type", "state", "timestamp", "duration", "config", "sources", "meta", "product",
                "user", "version"}) {
            assertFalse(session.path(field).isMissingNode(), "Session." + field);
        }
        assertFalse(document.at("/components/schemas/Session").path("examples").isMissingNode(),
                "an example session: " + document.at("/components/schemas/Session"));
        assertFalse(document.at("/components/schemas/NewSession/properties/streamUri").isMissingNode(), "create takes a streamUri");
        assertEquals("[\"active\",\"finished\"]", document.at("/components/schemas/SessionState/enum").toString());
        assertEquals("[\"pending\",\"starting\",\"working\",\"stopping\",\"stopped\",\"failed\",\"lost\"]",
                document.at("/components/schemas/WorkerState/enum").toString());
        assertEquals("[\"live_analysis\"]", document.at("/components/schemas/SessionType/enum").toString());
        assertTrue(document.at("/components/schemas/Session/properties/streamUri").isMissingNode());
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
