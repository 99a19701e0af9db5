package com.emogg.session.reports;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.contract.StopReason;
import com.emogg.contract.WorkerState;
import com.emogg.outbox.Outbox;
import com.emogg.platform.Dates;
import com.emogg.platform.database.Database;
import com.emogg.platform.runtime.Traces;
import com.emogg.session.SessionEvents;
import com.emogg.session.SessionMetrics;
import com.emogg.session.SessionSql;
import com.emogg.session.SessionStore;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applies the workers' reports to {@code meta.workerState} and {@code meta.healthCheck}, by the
 * rules of {@link WorkerState}: a report is applied only when the state may become the reported one
 * (forward, or the same, refreshing the health check; never out of a terminal state). A
 * {@code failed} report also finishes a session that was still active, and records its stop, so no
 * future owner resumes it. A report that makes the state terminal ({@code stopped}, {@code failed})
 * records the session's tombstone on {@code session-commands}, after that stop.
 *
 * <p><b>Ordering by {@code seq}: within one run of one worker only.</b> {@code seq} is a counter of
 * one worker process ({@code workerId} and {@code workerRun}, new at every start): a report of that
 * same run whose {@code seq} is not above the last applied one is stale or replayed, and dropped.
 * Reports of another worker, or of another run of the same {@code workerId} (a restart under an
 * explicit {@code EMOGG_WORKER_ID}), are never compared by {@code seq}: two processes' counters,
 * whatever they start from, say nothing of which report is newer. They are judged by the state rules
 * alone, which is enough: a new owner's reports move the state forward or keep it, and an earlier
 * owner's late report can never move it backwards nor out of a terminal state. (Comparing across
 * processes dropped every report of a worker that took sessions over from one started later on the
 * same host: issue 18.) Reports without a run (workers older than it) count as one run per id.
 */
@ApplicationScoped
public class WorkerStateService {

    /** The name this consumer records the events it applied under. */
    static final String CONSUMER = "api.worker-states";
    private static final Logger LOG = Logger.getLogger(WorkerStateService.class);
    private static final String FAILED = "'" + StopReason.WORKER_FAILED.value() + "'";

    /**
     * One statement per report: it records the event id (not for heartbeats, idempotent by nature),
     * locks the session, applies the report when the rules allow, and records the events of what it
     * changed. $1 consumer, $2 event id, $3 heartbeat, $4 session, $5 reported state, $6 worker id,
     * $7 seq, $8 reported at, $9 now, $10 traceparent, $11 worker run (null from older workers).
     * Answers the state before, and whether the report finished an active session; no row when the
     * report changed nothing.
     */
    static final String APPLY = "with fresh as (insert into processed_events (consumer, event_id) "
            + "select $1, $2 where not $3 on conflict do nothing returning 1), "
            + "current as (select worker_state as previous_worker_state, worker_id as previous_worker_id, worker_run as previous_run, "
            + "worker_seq as previous_seq, state = 'active' as was_active from sessions where id = $4 for update), "
            + "applied as (update sessions s set worker_state = $5, worker_id = $6, worker_run = $11, worker_seq = $7, "
            + "health_check_at = greatest(s.health_check_at, $8), "
            + "state = case when $5 = 'failed' then 'finished' else s.state end, "
            + "finished_at = case when $5 = 'failed' and was_active then $9 else s.finished_at end "
            + "from current where s.id = $4 and ($3 or exists (select 1 from fresh)) "
            + "and previous_worker_state not in " + SessionSql.TERMINAL + " "
            // seq orders the reports of one run of one worker only: see the class comment
            + "and not (previous_worker_id = $6 and previous_run is not distinct from $11 and previous_seq is not null "
            + "and $7 <= previous_seq) "
            + "and " + SessionSql.rank("previous_worker_state") + " <= " + SessionSql.rank("$5") + " "
            + "returning s.*, previous_worker_state, was_active and $5 = 'failed' as failed_active), "
            + "events as (" + Outbox.record("applied", "$10", SessionEvents.workerStateChanged("$9"),
                    SessionEvents.stopRequested(FAILED, "$9", "failed_active"), SessionEvents.stopped(FAILED, "$9", "failed_active"),
                    SessionEvents.settled("$9"))
            + ") select previous_worker_state, failed_active from applied";

    private final Pool pool;
    private final SessionMetrics metrics;
    private final Clock clock;

    public WorkerStateService(Database database, SessionMetrics metrics, Clock clock) {
        this.pool = database.pool();
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * True when the report changed something (a heartbeat that only refreshed the health check does
     * not count); duplicates (same event id) change nothing. One statement, without a transaction
     * around it: a report is applied at the rate workers send them, and each round trip counts.
     */
    public Uni<Boolean> apply(UUID eventId, WorkerReport report) {
        Instant now = Dates.now(clock);
        Tuple values = Tuple.tuple(Arrays.asList(CONSUMER, eventId, report.heartbeat(), report.sessionId(), report.workerState().value(),
                report.workerId(), report.seq(), SessionStore.utc(report.at()), SessionStore.utc(now), Traces.current(), report.workerRun()));
        return pool.preparedQuery(APPLY).execute(values).map(rows -> {
            if (rows.size() == 0) {
                return false;
            }
            Row row = rows.iterator().next();
            boolean changed = !row.getString(0).equals(report.workerState().value());
            metrics.reportApplied(report.at(), clock.instant());
            if (changed) {
                metrics.workerStateChanged(report.workerState());
            }
            if (row.getBoolean(1)) {
                // an unusable stream stops the session; the stop also keeps a new owner from resuming it
                LOG.infof("session %s finished: its worker reported failed", report.sessionId());
                metrics.stopped(StopReason.WORKER_FAILED, 1);
            }
            return changed || !report.heartbeat();
        });
    }
}
