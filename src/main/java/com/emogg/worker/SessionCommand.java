package com.emogg.worker;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A command read from {@code session-commands}. {@code toString} leaves the stream URI out.
 * {@code requestedAt} is null when the body has none (or an unreadable one). A tombstone (a record
 * without a value) is the {@link Kind#SETTLED} command of its key's session; its {@code eventId} is
 * its {@code ce_id}, or null for one written without headers.
 */
record SessionCommand(String eventId, Kind kind, String sessionId, URI streamUri, boolean removeMedia, Instant expires,
        Instant requestedAt) {

    /** What a command asks of the worker that owns its session. */
    enum Kind {
        /** {@code SessionStartRequested}: run the session. */
        START,
        /** {@code SessionStopRequested}: stop it, and confirm. */
        STOP,
        /** The session's tombstone ({@code SessionSettled}): it is over, forget it. */
        SETTLED
    }

    boolean start() {
        return kind == Kind.START;
    }

    /**
     * The command of a record, or null for a type or schema version this worker does not know
     * (skipped: a newer api may send what an older worker ignores). A record with a key and no value
     * is a tombstone, whatever its headers: never unreadable, never dead-lettered.
     *
     * @throws IllegalArgumentException for a record that cannot be read at all
     */
    static SessionCommand read(Map<String, String> headers, String key, String value, ObjectMapper json) {
        String type = headers.get("ce_type");
        String id = headers.get("ce_id");
        if (value == null && key != null) {
            return new SessionCommand(id, Kind.SETTLED, key, null, false, null, null);
        }
        if (type == null || id == null || value == null) {
            throw new IllegalArgumentException("not a CloudEvent: ce_type, ce_id or the body is missing");
        }
        JsonNode body;
        try {
            body = json.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (body == null || !body.isObject() || !body.path("sessionId").isTextual()) {
            throw new IllegalArgumentException("the body has no sessionId");
        }
        int version = body.path("schemaVersion").asInt(-1);
        String sessionId = body.get("sessionId").asText();
        if (SessionStartRequested.TYPE.equals(type) && version == SessionStartRequested.SCHEMA_VERSION) {
            try {
                return new SessionCommand(id, Kind.START, sessionId, new URI(body.path("streamUri").asText()),
                        body.path("removeMedia").asBoolean(), Instant.parse(body.path("expires").asText()), requestedAt(body));
            } catch (java.net.URISyntaxException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("a start command without a usable streamUri or expires");
            }
        }
        if (SessionStopRequested.TYPE.equals(type) && version == SessionStopRequested.SCHEMA_VERSION) {
            return new SessionCommand(id, Kind.STOP, sessionId, null, body.path("removeMedia").asBoolean(), null, requestedAt(body));
        }
        return null;
    }

    private static Instant requestedAt(JsonNode body) {
        try {
            return body.path("requestedAt").isTextual() ? Instant.parse(body.get("requestedAt").asText()) : null;
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + sessionId + " (" + eventId + ")";
    }
}
