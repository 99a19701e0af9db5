package com.emogg.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.auth.Caller;
import com.emogg.common.Dates;
import com.emogg.common.ObjectIds;
import com.emogg.session.events.SessionCommands;
import com.emogg.session.events.SessionFacts;
import com.emogg.session.events.StopReason;
import com.emogg.web.ApiException;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The session lifecycle for one caller. Another user's session is answered exactly like a missing
 * one, so nobody learns that it exists.
 *
 * <p>Create, get, list and stop are single statements ({@link SessionStore}): a statement is its
 * own transaction, so a session and its command commit together or not at all. Rename and delete
 * change an entity in a Hibernate Reactive transaction.
 */
@ApplicationScoped
public class SessionService {

    static final String NOT_FOUND = "Session not found";
    static final String NOT_ACTIVE = "The session is not active";
    static final String ACTIVE_OR_PROCESSING = "The session is active or processing";

    private final SessionStore store;
    private final SessionRepository sessions;
    private final SessionCommands commands;
    private final SessionFacts facts;
    private final SessionMetrics metrics;
    private final Clock clock;
    private final Duration maxLifetime;

    public SessionService(SessionStore store, SessionRepository sessions, SessionCommands commands, SessionFacts facts,
            SessionMetrics metrics, Clock clock,
            @ConfigProperty(name = "emogg.session.max-lifetime", defaultValue = "PT24H") Duration maxLifetime) {
        this.store = store;
        this.sessions = sessions;
        this.commands = commands;
        this.facts = facts;
        this.metrics = metrics;
        this.clock = clock;
        this.maxLifetime = maxLifetime;
    }

    /** The new session and the {@code SessionStartRequested} command for a worker, in one statement. */
    public Uni<Session> create(Caller caller, NewSession request) {
        return create(store.pool(), caller, request);
    }

    /** As {@link #create(Caller, NewSession)}, on a connection whose transaction the caller holds. */
    public Uni<Session> create(SqlClient db, Caller caller, NewSession request) {
        Instant now = Dates.now(clock);
        Session session = new Session();
        session.id = ObjectIds.next(now);
        session.userId = caller.userId();
        session.productId = caller.productId();
        session.name = request.name();
        session.type = SessionType.LIVE_ANALYSIS;
        session.state = SessionState.ACTIVE;
        session.createdAt = now;
        session.expiresAt = now.plus(maxLifetime);
        session.streamUri = request.streamUri().toString();
        session.removeMedia = request.removeMedia();
        session.sourceId = UUID.randomUUID();
        session.sourceName = request.streamUri().getHost();
        session.workerState = WorkerState.PENDING;
        return store.create(db, session, commands.startRequested(session, now), facts.created(session));
    }

    public Uni<Session> get(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return store.get(store.pool(), id, caller.userId()).onItem().ifNull().failWith(() -> ApiException.notFound(NOT_FOUND));
    }

    /** {@code rows} sessions, newest first; ask for one more than the page to know whether more follow. */
    public Uni<List<Session>> list(Caller caller, SessionFilter filter, int offset, int rows) {
        return store.page(caller.userId(), filter, offset, rows);
    }

    /** The new name, and a {@code SessionRenamed} fact when it changed, in one transaction. */
    @WithTransaction
    public Uni<Session> rename(Caller caller, String id, String name) {
        return owned(caller, id).call(session -> {
            if (name.equals(session.name)) {
                return Uni.createFrom().voidItem();
            }
            String previous = session.name;
            session.name = name;
            return facts.renamed(session, previous, Dates.now(clock));
        });
    }

    /**
     * The stop: the guarded state change and the {@code SessionStopRequested} event for its worker,
     * in one statement. Kafka is not involved here; the relay publishes the event after commit.
     */
    public Uni<Session> stop(Caller caller, String id) {
        return stop(store.pool(), caller, id);
    }

    /** As {@link #stop(Caller, String)}, on a connection whose transaction the caller holds. */
    public Uni<Session> stop(SqlClient db, Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return store.stop(db, id, caller.userId(), Dates.now(clock), StopReason.USER)
                .invoke(stopped -> {
                    if (stopped != null) {
                        metrics.stopped(StopReason.USER, 1);
                    }
                })
                .onItem().ifNull().switchTo(() -> store.get(db, id, caller.userId()).map(found -> {
                    throw found == null ? ApiException.notFound(NOT_FOUND) : ApiException.badRequest(NOT_ACTIVE);
                }));
    }

    /** Deletes a session that is neither active nor processing, with its {@code SessionDeleted} fact. */
    @WithTransaction
    public Uni<Void> delete(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return owned(caller, id).chain(session -> sessions.deleteSettled(id, caller.userId()).chain(deleted -> deleted
                ? facts.deleted(session, Dates.now(clock))
                : Uni.createFrom().failure(ApiException.badRequest(ACTIVE_OR_PROCESSING))));
    }

    @WithSession
    Uni<Session> owned(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return sessions.findOwned(id, caller.userId())
                .onItem().ifNull().failWith(() -> ApiException.notFound(NOT_FOUND));
    }
}
