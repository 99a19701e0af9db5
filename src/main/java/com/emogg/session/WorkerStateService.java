package com.emogg.session;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import com.emogg.common.Dates;
import com.emogg.session.events.SessionCommands;
import com.emogg.session.events.SessionFacts;
import com.emogg.session.events.StopReason;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

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

    private final SessionCommands commands;
    private final SessionFacts facts;
    private final SessionMetrics metrics;
    private final Clock clock;

    public WorkerStateService(SessionCommands commands, SessionFacts facts, SessionMetrics metrics, Clock clock) {
        this.commands = commands;
        this.facts = facts;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** True when the report changed something; duplicates (same event id) change nothing. */
    @WithTransaction
    public Uni<Boolean> apply(UUID eventId, WorkerReport report) {
        Uni<Boolean> firstTime = report.heartbeat()
                // heartbeats are idempotent by nature: not worth a row each
                ? Uni.createFrom().item(true)
                : Panache.getSession().chain(session -> session.createNativeQuery(
                        "insert into processed_events (consumer, event_id) values (:consumer, :id) on conflict do nothing")
                        .setParameter("consumer", CONSUMER)
                        .setParameter("id", eventId)
                        .executeUpdate())
                        .map(inserted -> inserted == 1);
        return firstTime.chain(fresh -> fresh ? applyOnce(report) : Uni.createFrom().item(false));
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
