package com.emogg.session.deadlines;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.contract.StopReason;
import com.emogg.contract.WorkerState;
import com.emogg.outbox.Outbox;
import com.emogg.platform.Dates;
import com.emogg.platform.database.Database;
import com.emogg.session.Session;
import com.emogg.session.SessionEvents;
import com.emogg.session.SessionMetrics;
import com.emogg.session.SessionSql;
import com.emogg.session.SessionStore;
import com.emogg.session.reports.ReportWatermarks;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What happens to sessions when time passes: expiry, stops nobody confirmed, workers that went
 * silent. Each step is one statement that changes the sessions and records their events together,
 * and takes its rows with {@code SKIP LOCKED}, so several api replicas can run it at once without
 * handling a session twice.
 */
@ApplicationScoped
public class SessionDeadlines {

    private static final Logger LOG = Logger.getLogger(SessionDeadlines.class);

    /** $1 now, $2 limit: active sessions past {@code meta.expires}, stopped as a user stop does it. */
    private static final String EXPIRE = SessionSql.stop("select id, worker_state from sessions where state = 'active' "
            + "and expires_at <= $1 order by expires_at limit $2 for update skip locked", "'" + StopReason.EXPIRED.value() + "'", "$1",
            "null");

    /** $1 now, $2 deadline, $3 attempts, $4 limit: the stop command again for stops nobody confirmed. */
    private static final String RESEND_STOP = "with stopped as (update sessions set stop_requested_at = $1, "
            + "stop_attempts = stop_attempts + 1 where id in (select id from sessions where worker_state = 'stopping' "
            + "and stop_requested_at <= $2 and stop_attempts < $3 order by stop_requested_at limit $4 "
            + "for update skip locked) returning " + SessionSql.COLUMNS + "), "
            + "events as (" + Outbox.record("stopped", "null", SessionEvents.stopRequested("'" + StopReason.STOP_DEADLINE.value() + "'", "$1",
                    null)) + ") select " + SessionSql.COLUMNS + " from stopped";

    private static final String LOST = "'" + StopReason.WORKER_LOST.value() + "'";

    /**
     * $1 now, $2 attempts, $3 stop deadline, $4 silent since, $5 limit. A silent worker's session is
     * lost; one that was still active also gets a stop ({@code stop_requested_at} was null), so no new
     * owner resumes it, and every one its tombstone, after that stop. Answers the lost sessions, each
     * with whether it was active.
     */
    private static final String LOSE = "with lost as (select id as lost_id, stop_requested_at is null as was_active, "
            + "worker_state as previous_worker_state from sessions where "
            + "(worker_state = 'stopping' and stop_attempts >= $2 and stop_requested_at <= $3) "
            + "or (worker_state in " + SessionSql.RUNNING + " and health_check_at <= $4) "
            + "limit $5 for update skip locked), "
            + "stopped as (update sessions s set worker_state = 'lost', state = 'finished', finished_at = coalesce(finished_at, $1), "
            + "stop_requested_at = coalesce(stop_requested_at, $1) from lost where s.id = lost_id returning " + SessionSql.COLUMNS
            + ", was_active, previous_worker_state), "
            + "events as (" + Outbox.record("stopped", "null", SessionEvents.stopRequested(LOST, "$1", "was_active"),
                    SessionEvents.stopped(LOST, "$1", "was_active"), SessionEvents.workerStateChanged("$1"), SessionEvents.settled("$1"))
            + ") "
            + "select " + SessionSql.COLUMNS + ", was_active from stopped";

    /** The column of LOSE's {@code was_active}, after the session's. */
    private static final int WAS_ACTIVE = SessionSql.COLUMNS.split(",").length;

    private final Pool pool;
    private final DeadlineConfig config;
    private final ReportWatermarks watermarks;
    private final SessionMetrics metrics;
    private final Clock clock;

    public SessionDeadlines(Database database, DeadlineConfig config, ReportWatermarks watermarks, SessionMetrics metrics, Clock clock) {
        this.pool = database.pool();
        this.config = config;
        this.watermarks = watermarks;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Active sessions past {@code meta.expires} are stopped the way a user stop does it, reason {@code expired}. */
    public Uni<Integer> expire() {
        Instant now = Dates.now(clock);
        return pool.preparedQuery(EXPIRE).execute(Tuple.of(SessionStore.utc(now), config.batchSize())).map(rows -> rows.size())
                .invoke(count -> metrics.stopped(StopReason.EXPIRED, count));
    }

    /**
     * Stops not confirmed within the deadline are sent again, up to the configured number of times.
     * The deadline runs while the api hears the workers' reports (see {@link ReportWatermarks}): a
     * confirmation it could not hear yet is not a missing one.
     */
    public Uni<Integer> resendStops() {
        Instant now = Dates.now(clock);
        return watermarks.span(now).chain(heard -> pool.preparedQuery(RESEND_STOP).execute(Tuple.of(SessionStore.utc(now),
                SessionStore.utc(heard.silentSince(config.stopDeadline())), config.stopAttempts(), config.batchSize())))
                .map(rows -> rows.size());
    }

    /**
     * Sessions whose worker stopped answering are {@code lost}: a terminal worker state. Silence is
     * measured within the span the api has heard every partition of the reports without a gap, so
     * an outage of the api or of the broker is never mistaken for dead workers, nor are the reports
     * that the outage held back in the workers.
     */
    public Uni<Integer> loseSilentWorkers() {
        Instant now = Dates.now(clock);
        return watermarks.span(now).chain(heard -> pool.preparedQuery(LOSE).execute(Tuple.of(SessionStore.utc(now), config.stopAttempts(),
                SessionStore.utc(heard.silentSince(config.stopDeadline())), SessionStore.utc(heard.silentSince(config.heartbeatDeadline())),
                config.batchSize())))
                .map(rows -> {
                    List<Session> lost = SessionStore.all(rows);
                    int stopped = 0;
                    for (var row : rows) {
                        stopped += row.getBoolean(WAS_ACTIVE) ? 1 : 0;
                    }
                    lost.forEach(session -> {
                        LOG.infof("session %s lost: its worker stopped answering", session.id());
                        metrics.workerStateChanged(WorkerState.LOST);
                    });
                    metrics.stopped(StopReason.WORKER_LOST, stopped);
                    return lost.size();
                });
    }
}
