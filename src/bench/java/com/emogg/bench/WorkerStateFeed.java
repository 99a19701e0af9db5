package com.emogg.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * WebSocket clients of {@code /ws/v1} subscribed to {@code session_worker_state} for scenario 5's
 * sessions, as an API user following them live would be: when each {@code sws} event reached the
 * client (epoch milliseconds, first arrival per session and state). Compared with the worker's report
 * record on {@code worker-states}, that is issue 5's delay from a worker report to the WS event.
 *
 * <p>Within the contract's default limits, never raised for the bench: 5 subscriptions per
 * connection, 10 per user (so one user per 10 sessions), a ping every 20 s against the 65 s idle
 * timeout, a handful of messages per user and minute.
 */
final class WorkerStateFeed implements AutoCloseable {

    static final int SUBSCRIPTIONS_PER_CONNECTION = 5;
    static final int SUBSCRIPTIONS_PER_USER = 10;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    /** session -> state -> when the client received it first */
    private final Map<String, Map<String, Long>> arrivals = new ConcurrentHashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    /** Close codes of connections the api ended while the scenario ran: events after that are missing, not late. */
    private final List<String> closedByTheApi = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-ws-ping");
        thread.setDaemon(true);
        return thread;
    });
    private final URI uri;
    private volatile boolean closing;

    private WorkerStateFeed(int port) {
        this.uri = URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    /**
     * Subscribes to every session of {@code sessionsByToken} (at most {@link #SUBSCRIPTIONS_PER_USER}
     * per token), on connections of {@link #SUBSCRIPTIONS_PER_CONNECTION} each.
     */
    static WorkerStateFeed subscribe(int port, Map<String, List<String>> sessionsByToken) {
        WorkerStateFeed feed = new WorkerStateFeed(port);
        try {
            sessionsByToken.forEach((token, sessions) -> {
                for (int from = 0; from < sessions.size(); from += SUBSCRIPTIONS_PER_CONNECTION) {
                    Connection connection = feed.open(token);
                    for (String session : sessions.subList(from, Math.min(sessions.size(), from + SUBSCRIPTIONS_PER_CONNECTION))) {
                        connection.subscribe(session);
                    }
                }
            });
        } catch (RuntimeException e) {
            feed.close();
            throw e;
        }
        feed.pings.scheduleAtFixedRate(feed::ping, 20, 20, TimeUnit.SECONDS);
        return feed;
    }

    /** When the client first received {@code state} for each session that it did receive. */
    Map<String, Long> arrivals(String state) {
        Map<String, Long> at = new java.util.HashMap<>();
        arrivals.forEach((session, states) -> {
            Long millis = states.get(state);
            if (millis != null) {
                at.put(session, millis);
            }
        });
        return at;
    }

    int connections() {
        return connections.size();
    }

    List<String> closedByTheApi() {
        return List.copyOf(closedByTheApi);
    }

    private Connection open(String token) {
        Connection connection = new Connection();
        connection.socket = client.newWebSocketBuilder().buildAsync(uri, connection).orTimeout(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
        connections.add(connection);
        JsonNode answer = connection.request("auth:token", Map.of("token", token));
        if (answer.path("status").asInt() != 200) {
            throw new IllegalStateException("WS auth:token answered " + answer);
        }
        return connection;
    }

    private void ping() {
        for (Connection connection : connections) {
            connection.send(Map.of("path", "ping"));
        }
    }

    @Override
    public void close() {
        pings.shutdownNow();
        closing = true;
        for (Connection connection : connections) {
            connection.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                    .join();
        }
    }

    private final class Connection implements WebSocket.Listener {

        private WebSocket socket;
        private final StringBuilder partial = new StringBuilder();
        private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
        /** subscription id -> session */
        private final Map<String, String> subscriptions = new ConcurrentHashMap<>();
        private int nextId = 1;

        void subscribe(String session) {
            JsonNode answer = request("channels:subscribe", Map.of("channel", "session_worker_state", "key", session));
            if (answer.path("status").asInt() != 200) {
                throw new IllegalStateException("WS subscribe to " + session + " answered " + answer);
            }
            subscriptions.put(answer.path("body").path("subscriptionId").asText(), session);
        }

        JsonNode request(String path, Object body) {
            int id = nextId++;
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answers.put(id, answer);
            send(Map.of("id", id, "path", path, "body", body));
            return answer.orTimeout(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        }

        /** One message at a time: the JDK client refuses a send while the previous one is in progress. */
        synchronized void send(Object message) {
            try {
                socket.sendText(Api.JSON.writeValueAsString(message), true).orTimeout(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .join();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // the arrival time is that of the message's last fragment, taken before any parsing
            long now = System.currentTimeMillis();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received(text, now);
            }
            webSocket.request(1);
            return null;
        }

        private void received(String text, long now) {
            JsonNode message;
            try {
                message = Api.JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the api sent a message that is not JSON: " + text, e);
            }
            if (message.isArray()) {
                // [subscriptionId, timestamp, "sws", [workerState]]
                String session = subscriptions.get(message.path(0).asText());
                // null only for the snapshot sent right after the subscribe answer, before the id is
                // mapped: the state the session already had, which no measurement uses
                if (session != null) {
                    arrivals.computeIfAbsent(session, key -> new ConcurrentHashMap<>()).putIfAbsent(message.path(3).path(0).asText(), now);
                }
            } else if (message.has("id")) {
                CompletableFuture<JsonNode> answer = answers.remove(message.path("id").asInt());
                if (answer != null) {
                    answer.complete(message);
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closing) {
                closedByTheApi.add(statusCode + (reason == null || reason.isBlank() ? "" : " " + reason));
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            answers.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }
}
