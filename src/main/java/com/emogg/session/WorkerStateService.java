package com.emogg.session;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import com.emogg.common.Dates;
import com.emogg.session.events.SessionCommands;
import com.emogg.session.events.SessionFacts;
import com.emogg.session.events.StopReason;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applies the workers' reports to {@code meta.workerState} and {@code meta.healthCheck}. Worker
 * state never moves backwards: a report is applied only when it moves the state forward (or keeps
 * it, refreshing the health check); nothing changes a terminal state; a worker's report older than
 * its last applied one is dropped.
 */
@ApplicationScoped
public class WorkerStateService {

    /** The name this consumer records the events it applied under. */
    static final String CONSUMER = "api.worker-states";
    private static final Logger LOG = Logger.getLogger(WorkerStateService.class);
    /** The order of worker states: a report never moves a session to an earlier one. */
    private static final String RANKS = "array['pending', 'starting', 'working', 'stopping', 'stopped', 'failed', 'lost']";

    /**
     * One statement for every report but {@code failed}: it records the event id, locks the session,
     * and moves it forward only when the rules above allow; the triggers of V6 and V7 tell the other
     * replicas and record the fact, in the same statement. It answers the state before, when applied.
     */
    static final String APPLY = "with fresh as (insert into processed_events (consumer, event_id) "
            + "select $1, $2 where not $3 on conflict do nothing returning 1), "
            + "current as (select worker_state, worker_id, worker_seq from sessions where id = $4 for update), "
            + "applied as (update sessions s set worker_state = $5, worker_id = $6, worker_seq = $7, "
            + "health_check_at = greatest(s.health_check_at, $8) from current c where s.id = $4 "
            + "and ($3 or exists (select 1 from fresh)) "
            + "and c.worker_state not in ('stopped', 'failed', 'lost') "
            + "and not (c.worker_id = $6 and c.worker_seq is not null and $7 <= c.worker_seq) "
            + "and array_position(" + RANKS + ", c.worker_state) <= array_position(" + RANKS + ", $5) "
            + "returning c.worker_state as before) "
            + "select before from applied";

    private final Pool pool;
    private final SessionCommands commands;
    private final SessionFacts facts;
    private final SessionMetrics metrics;
    private final Clock clock;

    public WorkerStateService(Pool pool, SessionCommands commands, SessionFacts facts, SessionMetrics metrics, Clock clock) {
        this.pool = pool;
        this.commands = commands;
        this.facts = facts;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * True when the report changed something; duplicates (same event id) change nothing. A single
     * statement, without a transaction around it, for all but {@code failed}: a report is applied at
     * the rate workers send them, and each round trip counts.
     */
    public Uni<Boolean> apply(UUID eventId, WorkerReport report) {
        if (report.workerState() == WorkerState.FAILED) {
            return Panache.withTransaction(() -> recordOnce(eventId, report)
                    .chain(fresh -> fresh ? applyOnce(report) : Uni.createFrom().item(false)));
        }
        Tuple values = Tuple.tuple(List.of(CONSUMER, eventId, report.heartbeat(), report.sessionId(), report.workerState().value(),
                report.workerId(), report.seq(), report.at().atOffset(ZoneOffset.UTC)));
        return pool.preparedQuery(APPLY).execute(values).map(rows -> {
            if (rows.size() == 0) {
                return false;
            }
            String before = rows.iterator().next().getString("before");
            boolean changed = !before.equals(report.workerState().value());
            metrics.reportApplied(report.at(), clock.instant());
            if (changed) {
                metrics.workerStateChanged(report.workerState());
            }
            return changed || !report.heartbeat();
        });
    }

    private static Uni<Boolean> recordOnce(UUID eventId, WorkerReport report) {
        if (report.heartbeat()) {
            // heartbeats are idempotent by nature: not worth a row each
            return Uni.createFrom().item(true);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "insert into processed_events (consumer, event_id) values (:consumer, :id) on conflict do nothing")
                .setParameter("consumer", CONSUMER)
                .setParameter("id", eventId)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    private Uni<Boolean> applyOnce(WorkerReport report) {
        return Session.<Session>findById(report.sessionId(), LockModeType.PESSIMISTIC_WRITE).chain(session -> {
            if (session == null || session.workerState.isTerminal()) {
                return Uni.createFrom().item(false);
            }
            if (report.workerId().equals(session.workerId) && session.workerSeq != null && report.seq() <= session.workerSeq) {
                return Uni.createFrom().item(false);
            }
            if (report.workerState().compareTo(session.workerState) < 0) {
                return Uni.createFrom().item(false);
            }
            boolean changed = report.workerState() != session.workerState;
            metrics.reportApplied(report.at(), clock.instant());
            if (changed) {
                metrics.workerStateChanged(report.workerState());
            }
            session.workerState = report.workerState();
            session.workerId = report.workerId();
            session.workerSeq = report.seq();
            if (session.healthCheckAt == null || report.at().isAfter(session.healthCheckAt)) {
                session.healthCheckAt = report.at();
            }
            if (report.workerState() == WorkerState.FAILED && session.state == SessionState.ACTIVE) {
                // an unusable stream stops the session; the stop also keeps a new owner from resuming it
                session.state = SessionState.FINISHED;
                session.finishedAt = Dates.now(clock);
                LOG.infof("session %s finished: its worker reported failed", session.id);
                metrics.stopped(StopReason.WORKER_FAILED, 1);
                return commands.stopRequested(session, StopReason.WORKER_FAILED, session.finishedAt)
                        .call(() -> facts.stopped(session, StopReason.WORKER_FAILED))
                        .replaceWith(true);
            }
            return Uni.createFrom().item(changed || !report.heartbeat());
        });
    }
}
