package com.emogg.system;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the sessions API that records every request and its response in the {@link History}.
 * Each call goes to one of the api replicas that are running (as a load balancer would send it), or
 * to a given one; a replica killed in the meantime gives "no response", which the history keeps as
 * an unknown outcome.
 */
final class ApiClient {

    /** A user of the API: its id and bearer token. */
    record User(String id, String token) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Supplier<List<AppProcess>> replicas;
    private final History history;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    ApiClient(String name, Supplier<List<AppProcess>> replicas, History history) {
        this.name = name;
        this.replicas = replicas;
        this.history = history;
    }

    /** A new user and its token, from the admin API. */
    User newUser() {
        for (int attempt = 0; ; attempt++) {
            AppProcess replica = pick();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(replica.uri("/admin/v1/tokens"))
                        .header("Authorization", "Bearer " + AppProcess.ADMIN_TOKEN).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    JsonNode body = JSON.readTree(response.body());
                    return new User(body.path("user").asText(), body.path("token").asText());
                }
                if (attempt >= 20) {
                    throw new IllegalStateException("no token: " + response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                if (attempt >= 20) {
                    throw new IllegalStateException("no token", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Sleep.millis(500);
        }
    }

    Exchange create(User user, String streamUri) {
        return createAsync(pick(), user, streamUri).join();
    }

    CompletableFuture<Exchange> createAsync(AppProcess replica, User user, String streamUri) {
        String body = "{\"name\":\"crash " + name + "\",\"streamUri\":\"" + streamUri + "\",\"config\":{\"removeMedia\":"
                + ThreadLocalRandom.current().nextBoolean() + "}}";
        return call(replica, user, "create", null, "POST", "/v1/sessions", body);
    }

    Exchange stop(User user, String sessionId) {
        return stopAsync(pick(), user, sessionId).join();
    }

    CompletableFuture<Exchange> stopAsync(AppProcess replica, User user, String sessionId) {
        return call(replica, user, "stop", sessionId, "POST", "/v1/sessions/" + sessionId + "/stop", null);
    }

    Exchange get(User user, String sessionId) {
        return getAsync(pick(), user, sessionId, "").join();
    }

    /** A GET, with a query such as {@code ?wait=working&timeout=20s}. */
    CompletableFuture<Exchange> getAsync(AppProcess replica, User user, String sessionId, String query) {
        return call(replica, user, "get", sessionId, "GET", "/v1/sessions/" + sessionId + query, null);
    }

    /** One of the running api replicas, at random. */
    AppProcess pick() {
        List<AppProcess> live = replicas.get();
        if (live.isEmpty()) {
            throw new IllegalStateException("no api replica is running");
        }
        return live.get(ThreadLocalRandom.current().nextInt(live.size()));
    }

    private CompletableFuture<Exchange> call(AppProcess replica, User user, String op, String sessionId, String method, String path,
            String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(replica.uri(path)).timeout(Duration.ofSeconds(70))
                .header("Authorization", "Bearer " + user.token());
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long seq = history.nextSeq();
        String phase = history.phase();
        long start = System.currentTimeMillis();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            long end = System.currentTimeMillis();
            Exchange exchange;
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                exchange = new Exchange(seq, name, op, replica.name, user.id(), sessionId, start, end, -1,
                        cause.getClass().getSimpleName() + ": " + cause.getMessage(), null, null, null, phase);
            } else {
                String id = sessionId;
                String state = null;
                String workerState = null;
                String error = null;
                try {
                    JsonNode json = JSON.readTree(response.body());
                    if (response.statusCode() / 100 == 2) {
                        id = json.path("_id").asText(sessionId);
                        state = json.path("state").asText(null);
                        workerState = json.path("meta").path("workerState").asText(null);
                    } else {
                        error = json.path("message").asText(null);
                    }
                } catch (IOException | RuntimeException e) {
                    error = "unreadable body: " + response.body();
                }
                exchange = new Exchange(seq, name, op, replica.name, user.id(), id, start, end, response.statusCode(), error, state,
                        workerState, response.headers().firstValue("Retry-After").orElse(null), phase);
            }
            history.record(exchange);
            return exchange;
        });
    }
}
