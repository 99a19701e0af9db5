package com.emogg.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.contract.StopReason;
import com.emogg.contract.WorkerState;
import com.emogg.platform.Dates;
import com.emogg.platform.ObjectIds;
import com.emogg.platform.auth.Caller;
import com.emogg.platform.database.Database;
import com.emogg.platform.idempotency.IdempotentRequest;
import com.emogg.platform.idempotency.IdempotentRequests;
import com.emogg.platform.idempotency.Replayable;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The session lifecycle for one caller. Each change is one statement ({@link SessionStore}) that
 * records its events with it, so a change and its events commit together or not at all; a request
 * made with an {@code Idempotency-Key} runs in a transaction of its own that also records its
 * response. Refusals are {@link SessionRefused}; another user's session is refused exactly like a
 * missing one, so nobody learns that it exists.
 */
@ApplicationScoped
public class SessionService {

    private final Pool pool;
    private final SessionStore store;
    private final IdempotentRequests idempotency;
    private final SessionMetrics metrics;
    private final Clock clock;
    private final Duration maxLifetime;

    public SessionService(Database database, SessionStore store, IdempotentRequests idempotency, SessionMetrics metrics, Clock clock,
            @ConfigProperty(name = "emogg.session.max-lifetime", defaultValue = "PT24H") Duration maxLifetime) {
        this.pool = database.pool();
        this.store = store;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.clock = clock;
        this.maxLifetime = maxLifetime;
    }

    /** The new session, with the {@code SessionStartRequested} command for a worker. */
    public Uni<Session> create(Caller caller, NewSession request) {
        return create(pool, caller, request);
    }

    /** As {@link #create(Caller, NewSession)}, once per key: one statement, which also records it. */
    public Uni<Replayable> create(Caller caller, NewSession request, IdempotentRequest<Session> once) {
        Session session = newSession(caller, request, Dates.now(clock));
        return idempotency.once(once, SessionStore.SNAPSHOTS, SessionSql.CREATE_ONCE, SessionStore.creating(session),
                session.createdAt(), created -> {
                }, transaction -> store.create(transaction, session));
    }

    private Uni<Session> create(SqlClient db, Caller caller, NewSession request) {
        return store.create(db, newSession(caller, request, Dates.now(clock)));
    }

    private Session newSession(Caller caller, NewSession request, Instant now) {
        return new Session(ObjectIds.next(now), caller.userId(), caller.productId(), request.name(),
                SessionType.LIVE_ANALYSIS, SessionState.ACTIVE, now, null, now.plus(maxLifetime), request.streamUri().toString(),
                request.removeMedia(), UUID.randomUUID(), request.streamUri().getHost(), WorkerState.PENDING, null, null, null, null, 0);
    }

    public Uni<Session> get(Caller caller, String id) {
        return get(pool, caller, id);
    }

    private Uni<Session> get(SqlClient db, Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(new SessionRefused.NotFound());
        }
        return store.get(db, id, caller.userId()).onItem().ifNull().failWith(SessionRefused.NotFound::new);
    }

    /** {@code rows} sessions, newest first; ask for one more than the page to know whether more follow. */
    public Uni<List<Session>> list(Caller caller, SessionFilter filter, int offset, int rows) {
        return store.page(pool, caller.userId(), filter, offset, rows);
    }

    /** The new name, with a {@code SessionRenamed} fact when it changed. */
    public Uni<Session> rename(Caller caller, String id, String name) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(new SessionRefused.NotFound());
        }
        return store.rename(pool, id, caller.userId(), name, Dates.now(clock)).onItem().ifNull().failWith(SessionRefused.NotFound::new);
    }

    /**
     * The stop: the guarded state change and the {@code SessionStopRequested} event for its worker,
     * in one statement. Kafka is not involved here; the relay publishes the event after commit.
     */
    public Uni<Session> stop(Caller caller, String id) {
        return stop(pool, caller, id);
    }

    /**
     * As {@link #stop(Caller, String)}, once per key: one statement, which also records it; a stop
     * refused (not found, not active) is decided and recorded in a transaction of its own.
     */
    public Uni<Replayable> stop(Caller caller, String id, IdempotentRequest<Session> once) {
        Instant now = Dates.now(clock);
        return idempotency.once(once, SessionStore.SNAPSHOTS, SessionSql.STOP_ONCE,
                SessionStore.stopping(id, caller.userId(), now, StopReason.USER), now,
                stopped -> metrics.stopped(StopReason.USER, 1), transaction -> stop(transaction, caller, id));
    }

    private Uni<Session> stop(SqlClient db, Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(new SessionRefused.NotFound());
        }
        return store.stop(db, id, caller.userId(), Dates.now(clock), StopReason.USER)
                .invoke(stopped -> {
                    if (stopped != null) {
                        metrics.stopped(StopReason.USER, 1);
                    }
                })
                .onItem().ifNull().switchTo(() -> get(db, caller, id).map(found -> {
                    throw new SessionRefused.NotActive();
                }));
    }

    /** Deletes a session that is neither active nor processing, with its {@code SessionDeleted} fact. */
    public Uni<Void> delete(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(new SessionRefused.NotFound());
        }
        return store.deleteSettled(pool, id, caller.userId(), Dates.now(clock)).chain(deleted -> deleted
                ? Uni.createFrom().voidItem()
                : get(pool, caller, id).map(found -> {
                    throw new SessionRefused.NotSettled();
                }));
    }
}
