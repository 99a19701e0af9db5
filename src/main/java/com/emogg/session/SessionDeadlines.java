package com.emogg.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.common.Dates;
import com.emogg.session.events.StopReason;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * What happens to sessions when time passes: expiry, stops nobody confirmed, workers that went
 * silent. Each step is one statement that changes the sessions and records their stop events
 * together, and locks the rows it takes with {@code SKIP LOCKED}, so several api replicas can run
 * it at once without handling a session twice.
 */
@ApplicationScoped
public class SessionDeadlines {

    private static final Logger LOG = Logger.getLogger(SessionDeadlines.class);

    private static final String EXPIRE = "with stopped as (update sessions set " + SessionSql.finish(":now")
            + " where id in (select id from sessions where state = 'active' and expires_at <= :now order by expires_at "
            + "limit :limit for update skip locked) returning " + SessionSql.COLUMNS + "), "
            + "event as (" + SessionSql.stopEvent("'expired'", ":now", "null") + "), "
            + "fact as (" + SessionSql.stoppedFact("'expired'", ":now", "null") + ") select " + SessionSql.COLUMNS + " from stopped";

    private static final String RESEND_STOP = "with stopped as (update sessions set stop_requested_at = :now, "
            + "stop_attempts = stop_attempts + 1 where id in (select id from sessions where worker_state = 'stopping' "
            + "and stop_requested_at <= :deadline and stop_attempts < :attempts order by stop_requested_at limit :limit "
            + "for update skip locked) returning " + SessionSql.COLUMNS + "), "
            + "event as (" + SessionSql.stopEvent("'stop_deadline'", ":now", "null") + ") select " + SessionSql.COLUMNS + " from stopped";

    /**
     * A silent worker's session is lost; one that was still active also gets a stop (its
     * {@code stop_requested_at} was null), so no new owner resumes it.
     */
    private static final String LOSE = "with lost as (select id, stop_requested_at is null as was_active from sessions where "
            + "(worker_state = 'stopping' and stop_attempts >= :attempts and stop_requested_at <= :deadline) "
            + "or (worker_state in ('starting', 'working') and health_check_at <= :silentSince) "
            + "limit :limit for update skip locked), "
            + "stopped as (update sessions s set worker_state = 'lost', state = 'finished', finished_at = coalesce(finished_at, :now), "
            + "stop_requested_at = coalesce(stop_requested_at, :now) from lost where s.id = lost.id returning s.*, lost.was_active), "
            + "event as (insert into outbox (id, session_id, stream, type, payload, occurred_at) "
            + "select gen_random_uuid(), id, 'commands', 'SessionStopRequested', "
            + "stop_requested_payload(id, user_id, product_id, remove_media, 'worker_lost', :now), :now from stopped where was_active), "
            + "fact as (insert into outbox (id, session_id, stream, type, payload, occurred_at) "
            + "select gen_random_uuid(), id, 'events', 'SessionStopped', "
            + "session_stopped_payload(id, user_id, product_id, created_at, finished_at, 'worker_lost'), :now from stopped where was_active) "
            + "select " + SessionSql.COLUMNS + " from stopped";

    private final DeadlineConfig config;
    private final Listening listening;
    private final SessionMetrics metrics;
    private final Clock clock;

    public SessionDeadlines(DeadlineConfig config, Listening listening, SessionMetrics metrics, Clock clock) {
        this.config = config;
        this.listening = listening;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Active sessions past {@code meta.expires} are stopped the way a user stop does it, reason {@code expired}. */
    @WithTransaction
    public Uni<Integer> expire() {
        Instant now = Dates.now(clock);
        return sessions(EXPIRE, Map.of("now", now, "limit", config.batchSize())).map(List::size)
                .invoke(count -> metrics.stopped(StopReason.EXPIRED, count));
    }

    /**
     * Stops not confirmed within the deadline are sent again, up to the configured number of times.
     * The deadline runs while the api hears the workers' reports (see {@link Listening}): a
     * confirmation it could not hear yet is not a missing one.
     */
    @WithTransaction
    public Uni<Integer> resendStops() {
        Instant now = Dates.now(clock);
        return listening.span(now).chain(heard -> sessions(RESEND_STOP, Map.of("now", now,
                "deadline", heard.silentSince(config.stopDeadline()), "attempts", config.stopAttempts(), "limit", config.batchSize())))
                .map(List::size);
    }

    /**
     * Sessions whose worker stopped answering are {@code lost}: a terminal worker state. Silence is
     * measured within the span the api has heard every partition of the reports without a gap, so
     * an outage of the api or of the broker is never mistaken for dead workers, nor are the reports
     * that the outage held back in the workers.
     */
    @WithTransaction
    public Uni<Integer> loseSilentWorkers() {
        Instant now = Dates.now(clock);
        return listening.span(now).chain(heard -> sessions(LOSE, Map.of("now", now, "attempts", config.stopAttempts(),
                "deadline", heard.silentSince(config.stopDeadline()), "silentSince", heard.silentSince(config.heartbeatDeadline()),
                "limit", config.batchSize())))
                .invoke(lost -> lost.forEach(session -> LOG.infof("session %s lost: its worker stopped answering", session.id)))
                .invoke(lost -> metrics.stopped(StopReason.WORKER_LOST, (int) lost.stream().filter(s -> now.equals(s.finishedAt)).count()))
                .map(List::size);
    }

    private static Uni<List<Session>> sessions(String sql, Map<String, Object> parameters) {
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Session.class);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        });
    }

}
