package com.emogg.session.realtime;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.SessionScoped;

import org.jboss.logging.Logger;

import com.emogg.contract.WorkerState;
import com.emogg.platform.Dates;
import com.emogg.platform.ObjectIds;
import com.emogg.platform.auth.Authenticator;
import com.emogg.platform.auth.Caller;
import com.emogg.session.SessionRefused;
import com.emogg.session.SessionService;
import com.emogg.session.WorkerStateWatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * The real-time API ({@code /ws/v1}) of the Emogg contract: JSON requests
 * {@code {"id"?, "path", "body"?}} answered by {@code {"id", "path", "status", "body"?}}. The first
 * message must authenticate ({@code auth:token}); then {@code ping}, {@code channels:subscribe} and
 * {@code channels:unsubscribe}. The one channel, {@code session_worker_state} keyed by a session of
 * the caller's, sends {@code [subscriptionId, timestamp, "sws", [workerState]]} at once with the last
 * known state, then at every change, whichever replica the change happened on.
 *
 * <p>One instance per connection (the endpoint is session-scoped), so its fields are that
 * connection's state; messages of one connection are handled one at a time.
 */
@WebSocket(path = RealtimeEndpoint.PATH)
@SessionScoped
public class RealtimeEndpoint {

    public static final String PATH = "/ws/v1";
    static final String CHANNEL = "session_worker_state";
    static final String CODE = "sws";
    private static final Logger LOG = Logger.getLogger(RealtimeEndpoint.class);
    /** Policy violation: what a connection that breaks the protocol is closed with. */
    private static final int VIOLATION = 1008;
    /** RFC 6455: data of a type the endpoint does not accept (binary, here). */
    private static final int UNSUPPORTED_DATA = 1003;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final int INTERNAL_ERROR = 1011;

    private final WebSocketConnection connection;
    private final Authenticator authenticator;
    private final SessionService sessions;
    private final WorkerStateWatch watch;
    private final RealtimeLimits limits;
    private final RealtimeConfig config;
    private final RealtimeShutdown shutdown;
    private final ObjectMapper json;
    private final Clock clock;

    private Caller caller;
    private final Map<String, Runnable> subscriptions = new LinkedHashMap<>();
    /**
     * The connection itself, for events sent from the notification thread: the injected one is a
     * proxy that only works inside this connection's callbacks.
     */
    private volatile WebSocketConnection socket;

    public RealtimeEndpoint(WebSocketConnection connection, Authenticator authenticator, SessionService sessions,
            WorkerStateWatch watch, RealtimeLimits limits, RealtimeConfig config, RealtimeShutdown shutdown, ObjectMapper json,
            Clock clock) {
        this.connection = connection;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.watch = watch;
        this.limits = limits;
        this.config = config;
        this.shutdown = shutdown;
        this.json = json;
        this.clock = clock;
    }

    @OnOpen
    void open(WebSocketConnection opened) {
        socket = opened;
        IdleConnections.touch(opened);
        if (shutdown.started()) {
            // a client the load balancer still sent here during the shutdown delay
            RealtimeShutdown.goAway(opened);
        }
    }

    @OnTextMessage
    Uni<Void> message(String text) {
        IdleConnections.touch(connection);
        JsonNode request = parse(text);
        if (request == null) {
            return close("malformed message");
        }
        String path = request.get("path").asText();
        JsonNode id = request.get("id");
        JsonNode body = request.get("body");
        if (caller == null) {
            if (!"auth:token".equals(path)) {
                return reply(id, path, 401, null).chain(() -> close("the first message must be auth:token"));
            }
            return authenticate(id, path, body);
        }
        if (!limits.message(caller.userId())) {
            return reply(id, path, 429, error("Too many messages: at most " + config.messagesPerMinute() + " a minute"));
        }
        return switch (path) {
            case "ping" -> reply(id, path, 200, json.createObjectNode().put("ts", Dates.format(clock.instant())));
            case "channels:subscribe" -> subscribe(id, path, body);
            case "channels:unsubscribe" -> unsubscribe(id, path, body);
            case "auth:token" -> reply(id, path, 400, error("Already authenticated"));
            default -> reply(id, path, 404, error("Unknown path"));
        };
    }

    /** The API speaks JSON text only; a binary frame was ignored without a word before. */
    @OnBinaryMessage
    Uni<Void> binary(io.vertx.core.buffer.Buffer ignored) {
        IdleConnections.touch(connection);
        return connection.close(new CloseReason(UNSUPPORTED_DATA, "text messages only"));
    }

    /**
     * Vert.x refuses a message over {@code quarkus.websockets-next.server.max-message-size} with an
     * IllegalStateException before any callback sees it. That is the client's doing: a 1009 close,
     * not the 1011 and the error log of an unhandled failure, which any client could otherwise
     * produce at will. Other failures stay what they were: logged, and 1011.
     */
    @OnError
    Uni<Void> failed(IllegalStateException failure) {
        if (String.valueOf(failure.getMessage()).contains("max message size")) {
            LOG.debugf("a WebSocket message over the size limit: %s", failure.getMessage());
            return connection.close(new CloseReason(MESSAGE_TOO_BIG, "message too big"));
        }
        LOG.errorf(failure, "WebSocket connection failed");
        return connection.close(new CloseReason(INTERNAL_ERROR, "internal error"));
    }

    @OnClose
    void closed() {
        subscriptions.values().forEach(Runnable::run);
        subscriptions.clear();
    }

    private Uni<Void> authenticate(JsonNode id, String path, JsonNode body) {
        JsonNode token = body == null ? null : body.get("token");
        if (token == null || !token.isTextual() || token.textValue().isEmpty() || token.textValue().length() > 512) {
            return reply(id, path, 401, error("A token is required")).chain(() -> close("no token"));
        }
        return authenticator.authenticate(token.textValue()).chain(found -> {
            if (found == null) {
                return reply(id, path, 401, error("The token is invalid or revoked")).chain(() -> close("bad token"));
            }
            caller = found;
            return reply(id, path, 200, json.createObjectNode().put("user", found.userId()));
        });
    }

    private Uni<Void> subscribe(JsonNode id, String path, JsonNode body) {
        JsonNode channel = body == null ? null : body.get("channel");
        JsonNode key = body == null ? null : body.get("key");
        if (channel == null || !channel.isTextual() || key == null || !key.isTextual()) {
            return reply(id, path, 400, error("channels:subscribe needs a body {\"channel\": string, \"key\": string}"));
        }
        if (!CHANNEL.equals(channel.textValue()) || !ObjectIds.isValid(key.textValue())) {
            return reply(id, path, 404, error("No such channel or key"));
        }
        if (subscriptions.size() >= config.subscriptionsPerConnection()) {
            return reply(id, path, 429, error("At most " + config.subscriptionsPerConnection() + " subscriptions per connection"));
        }
        String sessionId = key.textValue();
        String subscriptionId = HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
        // watch before reading, so no change falls between the read and the first event
        Runnable stopWatching = watch.watch(sessionId, state -> send(event(subscriptionId, state)));
        return sessions.get(caller, sessionId).onItemOrFailure().transformToUni((session, failure) -> {
            if (failure != null) {
                stopWatching.run();
                return failure instanceof SessionRefused.NotFound
                        ? reply(id, path, 404, error("No such channel or key"))
                        : Uni.createFrom().failure(failure);
            }
            if (!limits.subscribe(caller.userId())) {
                stopWatching.run();
                return reply(id, path, 429, error("At most " + config.subscriptionsPerUser() + " subscriptions per user"));
            }
            String userId = caller.userId();
            subscriptions.put(subscriptionId, () -> {
                stopWatching.run();
                limits.unsubscribe(userId);
            });
            return reply(id, path, 200, json.createObjectNode().put("subscriptionId", subscriptionId))
                    .chain(() -> connection.sendText(event(subscriptionId, session.workerState())));
        });
    }

    private Uni<Void> unsubscribe(JsonNode id, String path, JsonNode body) {
        JsonNode subscription = body == null ? null : body.get("subscriptionId");
        if (subscription == null || !subscription.isTextual()) {
            return reply(id, path, 400, error("channels:unsubscribe needs a body {\"subscriptionId\": string}"));
        }
        Runnable cancel = subscriptions.remove(subscription.textValue());
        if (cancel == null) {
            return reply(id, path, 404, error("No such subscription"));
        }
        cancel.run();
        return reply(id, path, 200, null);
    }

    private String event(String subscriptionId, WorkerState state) {
        ArrayNode event = json.createArrayNode();
        event.add(subscriptionId).add(Dates.format(clock.instant())).add(CODE).addArray().add(state.value());
        return event.toString();
    }

    private void send(String message) {
        socket.sendText(message).subscribe().with(sent -> { },
                failure -> LOG.debugf("an event was not delivered to a closed connection: %s", failure.getMessage()));
    }

    private Uni<Void> reply(JsonNode id, String path, int status, JsonNode body) {
        ObjectNode response = json.createObjectNode();
        if (id != null) {
            response.set("id", id);
        }
        response.put("path", path).put("status", status);
        if (body != null) {
            response.set("body", body);
        }
        return connection.sendText(response.toString());
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("message", message);
    }

    private Uni<Void> close(String why) {
        return connection.close(new CloseReason(VIOLATION, why));
    }

    /** The request, or null when it is not a JSON object with a string path. */
    private JsonNode parse(String text) {
        try {
            JsonNode request = json.readTree(text);
            return request != null && request.isObject() && request.path("path").isTextual() ? request : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static byte[] longBytes(long value) {
        return java.nio.ByteBuffer.allocate(8).putLong(value).array();
    }
}
