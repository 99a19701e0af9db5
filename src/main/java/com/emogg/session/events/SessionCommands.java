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
 * The commands for a session's worker, recorded in the outbox by the transaction that changes the
 * session. Callers hold the session's row (they just inserted or updated it), which is what keeps
 * one session's events in commit order.
 */
@ApplicationScoped
public class SessionCommands {

    private static final String RECORD_STOP = "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
            + "values (gen_random_uuid(), :id, 'commands', 'SessionStopRequested', "
            + "stop_requested_payload(:id, :user, :product, :removeMedia, :reason, :at), :at, :traceparent)";

    private final ObjectMapper json;

    public SessionCommands(ObjectMapper json) {
        this.json = json;
    }

    /** The body of the session's {@code SessionStartRequested}, which the create statement records with it. */
    public String startRequested(Session session, Instant at) {
        try {
            return json.writeValueAsString(new SessionStartRequested(SessionStartRequested.SCHEMA_VERSION, session.id,
                    session.userId, session.productId, session.streamUri, session.removeMedia, Dates.format(session.expiresAt),
                    Dates.format(at)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event body that cannot be written as JSON is a bug", e);
        }
    }

    /**
     * Records a {@code SessionStopRequested} in the current Hibernate Reactive transaction, with the
     * body the stop statements build (the database function {@code stop_requested_payload}).
     */
    public Uni<Void> stopRequested(Session session, StopReason reason, Instant at) {
        return Panache.getSession().chain(db -> db.createNativeQuery(RECORD_STOP)
                .setParameter("id", session.id)
                .setParameter("user", session.userId)
                .setParameter("product", session.productId)
                .setParameter("removeMedia", session.removeMedia)
                .setParameter("reason", reason.value())
                .setParameter("at", at)
                .setParameter("traceparent", Traces.current())
                .executeUpdate())
                .replaceWithVoid();
    }
}
