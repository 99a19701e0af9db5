package com.emogg.session.events;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.common.Dates;
import com.emogg.session.Session;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * Records the commands for a session's worker in the current transaction. Callers hold the
 * session's row (they just inserted or updated it), which is what keeps one session's events in
 * commit order.
 */
@ApplicationScoped
public class SessionCommands {

    private final ObjectMapper json;

    public SessionCommands(ObjectMapper json) {
        this.json = json;
    }

    public Uni<SessionEvent> startRequested(Session session, Instant at) {
        return record(session, SessionStartRequested.TYPE, new SessionStartRequested(SessionStartRequested.SCHEMA_VERSION,
                session.id, session.userId, session.productId, session.streamUri, session.removeMedia,
                Dates.format(session.expiresAt), Dates.format(at)), at);
    }

    public Uni<SessionEvent> stopRequested(Session session, StopReason reason, Instant at) {
        return record(session, SessionStopRequested.TYPE, new SessionStopRequested(SessionStopRequested.SCHEMA_VERSION,
                session.id, session.userId, session.productId, reason, session.removeMedia, Dates.format(at)), at);
    }

    private Uni<SessionEvent> record(Session session, String type, Object body, Instant at) {
        SessionEvent event = new SessionEvent();
        event.id = UUID.randomUUID();
        event.sessionId = session.id;
        event.stream = EventStream.COMMANDS;
        event.type = type;
        event.payload = serialize(body);
        event.occurredAt = at;
        return event.persist();
    }

    private String serialize(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event body that cannot be written as JSON is a bug", e);
        }
    }
}
