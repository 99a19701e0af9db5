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
import com.emogg.session.events.StopReason;
import com.emogg.web.ApiException;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The session lifecycle for one caller. Another user's session is answered exactly like a missing
 * one, so nobody learns that it exists.
 */
@ApplicationScoped
public class SessionService {

    static final String NOT_FOUND = "Session not found";
    static final String NOT_ACTIVE = "The session is not active";
    static final String ACTIVE_OR_PROCESSING = "The session is active or processing";

    private final SessionRepository sessions;
    private final SessionCommands commands;
    private final Clock clock;
    private final Duration maxLifetime;

    public SessionService(SessionRepository sessions, SessionCommands commands, Clock clock,
            @ConfigProperty(name = "emogg.session.max-lifetime", defaultValue = "PT24H") Duration maxLifetime) {
        this.sessions = sessions;
        this.commands = commands;
        this.clock = clock;
        this.maxLifetime = maxLifetime;
    }

    /** The new session and the {@code SessionStartRequested} command for a worker, in one transaction. */
    @WithTransaction
    public Uni<Session> create(Caller caller, NewSession request) {
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
        return sessions.persist(session).call(created -> commands.startRequested(created, now));
    }

    @WithSession
    public Uni<Session> get(Caller caller, String id) {
        return owned(caller, id);
    }

    /** One page, newest first; asks for one row more than the page to know whether more follow. */
    @WithSession
    public Uni<List<Session>> list(Caller caller, SessionFilter filter, int offset, int limitPlusOne) {
        return sessions.page(caller.userId(), filter, offset, limitPlusOne);
    }

    @WithTransaction
    public Uni<Session> rename(Caller caller, String id, String name) {
        return owned(caller, id).invoke(session -> session.name = name);
    }

    /**
     * The stop: the guarded state change and the {@code SessionStopRequested} event for its worker,
     * in one transaction. Kafka is not involved here; the relay publishes the event after commit.
     */
    @WithTransaction
    public Uni<Session> stop(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        Instant now = Dates.now(clock);
        return sessions.stop(id, caller.userId(), now)
                .onItem().ifNull().switchTo(() -> owned(caller, id)
                        .chain(found -> Uni.createFrom().failure(ApiException.badRequest(NOT_ACTIVE))))
                .call(stopped -> commands.stopRequested(stopped, StopReason.USER, now));
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return sessions.deleteSettled(id, caller.userId()).chain(deleted -> deleted
                ? Uni.createFrom().voidItem()
                : owned(caller, id).chain(found -> Uni.createFrom().failure(ApiException.badRequest(ACTIVE_OR_PROCESSING))));
    }

    private Uni<Session> owned(Caller caller, String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound(NOT_FOUND));
        }
        return sessions.findOwned(id, caller.userId())
                .onItem().ifNull().failWith(() -> ApiException.notFound(NOT_FOUND));
    }
}
