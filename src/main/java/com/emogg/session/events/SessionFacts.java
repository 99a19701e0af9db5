package com.emogg.session.events;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.common.Dates;
import com.emogg.common.Traces;
import com.emogg.session.Session;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Records the public facts of a session's life for {@code session-events}, in the transaction of
 * the change they report. (Stops and worker-state changes are recorded in SQL, by the stop
 * statements and a trigger; see {@code V7__session_events.sql}.)
 */
@ApplicationScoped
public class SessionFacts {

    private static final String RECORD = "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
            + "values (gen_random_uuid(), :session, 'events', :type, :payload, :at, :traceparent)";
    private static final String RECORD_STOPPED = "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
            + "values (gen_random_uuid(), :session, 'events', 'SessionStopped', "
            + "session_stopped_payload(:session, :user, :product, :createdAt, :finishedAt, :reason), :finishedAt, :traceparent)";

    private final ObjectMapper json;

    public SessionFacts(ObjectMapper json) {
        this.json = json;
    }

    /** The body of the {@code SessionCreated} fact, which the create statement records. */
    public String created(Session session) {
        return write(new SessionCreated(SessionCreated.SCHEMA_VERSION, session.id, session.userId, session.productId, session.name,
                session.type.value(), Dates.format(session.createdAt), Dates.format(session.expiresAt), session.removeMedia,
                new SessionCreated.Source(session.sourceId.toString(), session.sourceName, "video", "stream")));
    }

    public Uni<Void> renamed(Session session, String previousName, Instant at) {
        return record(session, SessionRenamed.TYPE, write(new SessionRenamed(SessionRenamed.SCHEMA_VERSION, session.id, session.userId,
                session.productId, session.name, previousName, Dates.format(at))), at);
    }

    public Uni<Void> deleted(Session session, Instant at) {
        return record(session, SessionDeleted.TYPE, write(new SessionDeleted(SessionDeleted.SCHEMA_VERSION, session.id, session.userId,
                session.productId, Dates.format(at))), at);
    }

    /** {@code SessionStopped} for a stop made on an entity (a failed worker), with the body the stop statements build. */
    public Uni<Void> stopped(Session session, StopReason reason) {
        return Panache.getSession().chain(db -> db.createNativeQuery(RECORD_STOPPED)
                .setParameter("session", session.id)
                .setParameter("user", session.userId)
                .setParameter("product", session.productId)
                .setParameter("createdAt", session.createdAt)
                .setParameter("finishedAt", session.finishedAt)
                .setParameter("reason", reason.value())
                .setParameter("traceparent", Traces.current())
                .executeUpdate())
                .replaceWithVoid();
    }

    private Uni<Void> record(Session session, String type, String payload, Instant at) {
        return Panache.getSession().chain(db -> db.createNativeQuery(RECORD)
                .setParameter("session", session.id)
                .setParameter("type", type)
                .setParameter("payload", payload)
                .setParameter("at", at)
                .setParameter("traceparent", Traces.current())
                .executeUpdate())
                .replaceWithVoid();
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event body that cannot be written as JSON is a bug", e);
        }
    }
}
