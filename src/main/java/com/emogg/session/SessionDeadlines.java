package com.emogg.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.common.Dates;
import com.emogg.session.events.SessionCommands;
import com.emogg.session.events.StopReason;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * What happens to sessions when time passes: expiry, stops nobody confirmed, workers that went
 * silent. Each step locks the rows it takes with {@code SKIP LOCKED}, so several api replicas
 * can run it at once without handling a session twice.
 */
@ApplicationScoped
public class SessionDeadlines {

    private static final Logger LOG = Logger.getLogger(SessionDeadlines.class);

    private static final String EXPIRE = "update sessions set " + Stops.FINISH + " where id in (select id from sessions "
            + "where state = 'active' and expires_at <= :now order by expires_at limit :limit for update skip locked) "
            + "returning " + SessionRepository.COLUMNS;

    private static final String RESEND_STOP = "update sessions set stop_requested_at = :now, stop_attempts = stop_attempts + 1 "
            + "where id in (select id from sessions where worker_state = 'stopping' and stop_requested_at <= :deadline "
            + "and stop_attempts < :attempts order by stop_requested_at limit :limit for update skip locked) "
            + "returning " + SessionRepository.COLUMNS;

    /** A running session that was still active when lost gets a stop, so no new owner resumes it. */
    private static final String LOSE = "update sessions set worker_state = 'lost', state = 'finished', "
            + "finished_at = coalesce(finished_at, :now) where id in (select id from sessions where "
            + "(worker_state = 'stopping' and stop_attempts >= :attempts and stop_requested_at <= :deadline) "
            + "or (worker_state in ('starting', 'working') and health_check_at <= :silentSince) "
            + "limit :limit for update skip locked) returning " + SessionRepository.COLUMNS;

    private final SessionCommands commands;
    private final DeadlineConfig config;
    private final Clock clock;

    public SessionDeadlines(SessionCommands commands, DeadlineConfig config, Clock clock) {
        this.commands = commands;
        this.config = config;
        this.clock = clock;
    }

    /** Active sessions past {@code meta.expires} are stopped the way a user stop does it, reason {@code expired}. */
    @WithTransaction
    public Uni<Integer> expire() {
        Instant now = Dates.now(clock);
        return sessions(EXPIRE, Map.of("now", now, "limit", config.batchSize()))
                .call(expired -> each(expired, session -> commands.stopRequested(session, StopReason.EXPIRED, now)))
                .map(List::size);
    }

    /** Stops not confirmed within the deadline are sent again, up to the configured number of times. */
    @WithTransaction
    public Uni<Integer> resendStops() {
        Instant now = Dates.now(clock);
        return sessions(RESEND_STOP, Map.of("now", now, "deadline", now.minus(config.stopDeadline()),
                "attempts", config.stopAttempts(), "limit", config.batchSize()))
                .call(unconfirmed -> each(unconfirmed, session -> commands.stopRequested(session, StopReason.STOP_DEADLINE, now)))
                .map(List::size);
    }

    /** Sessions whose worker stopped answering are {@code lost}: a terminal worker state. */
    @WithTransaction
    public Uni<Integer> loseSilentWorkers() {
        Instant now = Dates.now(clock);
        return sessions(LOSE, Map.of("now", now, "attempts", config.stopAttempts(), "deadline", now.minus(config.stopDeadline()),
                "silentSince", now.minus(config.heartbeatDeadline()), "limit", config.batchSize()))
                .call(lost -> each(lost.stream().filter(session -> now.equals(session.finishedAt)).toList(),
                        session -> commands.stopRequested(session, StopReason.WORKER_LOST, now)))
                .invoke(lost -> lost.forEach(session -> LOG.infof("session %s lost: its worker stopped answering", session.id)))
                .map(List::size);
    }

    private static Uni<List<Session>> sessions(String sql, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Session.class);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    private static Uni<Void> each(List<Session> sessions, java.util.function.Function<Session, Uni<?>> action) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Session session : sessions) {
            chain = chain.chain(() -> action.apply(session)).replaceWithVoid();
        }
        return chain;
    }
}
