package com.emogg.abuse;

import static com.emogg.testing.TestApi.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Generated abuse of every endpoint: whatever a client sends, the answer is never a 5xx, a 4xx
 * always has the Emogg error body, no body shows a stack trace, and nothing secret (tokens, stream
 * URIs) reaches the logs. The budget is {@code -Dabuse.cases} (per endpoint) and the seed
 * {@code -Dabuse.seed}.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CASES = Integer.getInteger("abuse.cases", 150);
    private static final long SEED = Long.getLong("abuse.seed", System.nanoTime());
    private static final String SECRET_URI = "rtsp://admin:" + TestApi.STREAM_SECRET + "@cam.example:554/abuse";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    text.append(' ').append(parameter);
                }
            }
            for (Throwable failure = record.getThrown(); failure != null; failure = failure.getCause()) {
                text.append(' ').append(failure);
            }
            logs.add(text.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private TestUser user;
    private TestUser other;
    private String session;
    private String othersSession;
    private int cases;

    @BeforeAll
    void capture() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
        System.out.println("abuse seed " + SEED + ", " + CASES + " cases per endpoint");
    }

    /** Once the application is up (RestAssured knows its port only inside a test). */
    private void users() {
        if (user == null) {
            user = newUser();
            other = newUser();
            session = user.createSession("abused");
            othersSession = other.createSession("not yours");
        }
    }

    @AfterAll
    void tearDown() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void noClientMistakeOrAttackGetsAServerErrorOrAStackTrace() throws Exception {
        users();
        NastyInputs nasty = new NastyInputs(SEED);
        List<String> createFields = List.of("name", "streamUri", "config");
        for (int i = 0; i < CASES; i++) {
            send("POST", "/v1/sessions", headers(nasty), nasty.chance(3) ? validCreate(nasty) : nasty.body(createFields), nasty);
            send("GET", "/v1/sessions?" + query(nasty, "state", "type", "from", "to", "limit", "offset"), headers(nasty), null, nasty);
            send("GET", "/v1/sessions/" + pathId(nasty) + (nasty.chance(4) ? "?wait=" + enc(nasty.string()) + "&timeout="
                    + enc(nasty.queryValue()) : ""), headers(nasty), null, nasty);
            send("PATCH", "/v1/sessions/" + pathId(nasty), headers(nasty), nasty.body(List.of("name", "state", "_id")), nasty);
            send("POST", "/v1/sessions/" + pathId(nasty) + "/stop", headers(nasty), nasty.chance(3) ? nasty.body(List.of("x")) : null, nasty);
            send("DELETE", "/v1/sessions/" + pathId(nasty), headers(nasty), null, nasty);
            send("POST", "/admin/v1/tokens", Map.of("Authorization", nasty.chance(2) ? "Bearer " + user.token()
                    : "Bearer test-admin-token", "Content-Type", "application/json"), nasty.body(List.of("user", "product")), nasty);
            send("DELETE", "/admin/v1/tokens/" + enc(nasty.id()), Map.of("Authorization", "Bearer " + user.token()), null, nasty);
        }
        System.out.println("abuse: " + cases + " requests, statuses " + statuses);
        assertTrue(statuses.keySet().stream().noneMatch(status -> status >= 500), "no 5xx: " + statuses);
    }

    @Test
    void oversizedBodiesAre413WithTheErrorBody() throws Exception {
        users();
        String huge = "{\"name\":\"" + "x".repeat(200_000) + "\",\"streamUri\":\"rtsp://cam.example/1\"}";
        HttpResponse<String> response = http.send(request("POST", "/v1/sessions", Map.of("Authorization", "Bearer " + user.token(),
                "Content-Type", "application/json"), huge), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertErrorBody(response, 413);
    }

    @Test
    void secretsNeverReachTheLogs() throws Exception {
        users();
        // requests that fail in every way, carrying a stream URI with a password and real tokens
        NastyInputs nasty = new NastyInputs(SEED + 1);
        for (int i = 0; i < 20; i++) {
            send("POST", "/v1/sessions", Map.of("Authorization", "Bearer " + user.token(), "Content-Type", "application/json"),
                    "{\"name\":" + NastyInputs.quote(nasty.string()) + ",\"streamUri\":\"" + SECRET_URI + "\"}", nasty);
            send("POST", "/v1/sessions", Map.of("Authorization", "Bearer " + user.token() + "x", "Content-Type", "application/json"),
                    "{\"name\":\"n\",\"streamUri\":\"" + SECRET_URI + "\"}", nasty);
            send("GET", "/v1/sessions?from=" + enc(SECRET_URI), Map.of("Authorization", "Bearer " + user.token()), null, nasty);
        }
        send("POST", "/v1/sessions", Map.of("Authorization", "Bearer " + user.token(), "Content-Type", "application/json"),
                "{\"name\":\"logged?\",\"streamUri\":\"" + SECRET_URI + "\"}", nasty);
        org.jboss.logging.Logger.getLogger("com.emogg").info("abuse log capture check");
        List<String> leaks = new ArrayList<>();
        for (String line : logs) {
            if (line.contains(TestApi.STREAM_SECRET) || line.contains(user.token()) || line.contains(other.token())
                    || line.contains("test-admin-token")) {
                leaks.add(line);
            }
        }
        assertTrue(leaks.isEmpty(), "secrets in the logs: " + leaks);
        assertTrue(logs.stream().anyMatch(line -> line.contains("abuse log capture check")), "the capture sees the application's logs");
    }

    private Map<String, String> headers(NastyInputs nasty) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Authorization", nasty.chance(5) ? nasty.authorization(user.token()) : "Bearer " + user.token());
        headers.put("Content-Type", nasty.chance(5) ? nasty.contentType() : "application/json");
        if (nasty.chance(6)) {
            headers.put("Idempotency-Key", nasty.string().replaceAll("[\\r\\n\\u0000]", ""));
        }
        if (nasty.chance(8)) {
            headers.put("Accept", nasty.contentType());
        }
        return headers;
    }

    private String validCreate(NastyInputs nasty) {
        return "{\"name\":" + NastyInputs.quote(nasty.string()) + ",\"streamUri\":" + NastyInputs.quote(nasty.chance(2) ? SECRET_URI
                : nasty.string()) + "}";
    }

    private String pathId(NastyInputs nasty) {
        return nasty.chance(3) ? session : nasty.chance(3) ? othersSession : enc(nasty.id());
    }

    private static String query(NastyInputs nasty, String... names) {
        StringBuilder query = new StringBuilder();
        for (String name : names) {
            if (nasty.chance(2)) {
                query.append(name).append('=').append(enc(nasty.queryValue())).append('&');
            }
        }
        return query.toString();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest request(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, value) -> {
            try {
                request.header(name, value);
            } catch (IllegalArgumentException e) {
                // a value the HTTP client itself refuses to send: nothing reaches the server
            }
        });
        return request.build();
    }

    private void send(String method, String path, Map<String, String> headers, String body, NastyInputs nasty) throws Exception {
        HttpResponse<String> response;
        try {
            response = http.send(request(method, path, headers, body), HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            return; // a URI the client cannot build: not a request
        }
        cases++;
        statuses.merge(response.statusCode(), 1, Integer::sum);
        String what = method + " " + path + " -> " + response.statusCode() + " (seed " + SEED + ")";
        assertTrue(response.statusCode() < 500, "a server error for a client's request: " + what + " " + response.body());
        assertFalse(response.body().contains("\tat ") || response.body().contains("Exception") || response.body().contains("com.emogg")
                || response.body().contains("org.hibernate") || response.body().contains(TestApi.STREAM_SECRET), "leak in " + what);
        if (response.statusCode() >= 400) {
            assertErrorBody(response, response.statusCode());
        }
    }

    private static void assertErrorBody(HttpResponse<String> response, int status) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertEquals(true, body.path("error").asBoolean(), response.body());
        assertEquals(status, body.path("status").asInt(), response.body());
        assertFalse(body.path("message").asText().isBlank(), response.body());
    }
}
