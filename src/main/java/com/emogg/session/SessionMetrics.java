package com.emogg.session;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.contract.StopReason;
import com.emogg.contract.WireValue;
import com.emogg.contract.WorkerState;
import com.emogg.platform.database.Database;
import com.emogg.platform.runtime.OutsideApiRole;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The sessions' metrics for dashboards, with bounded tags only (no session or user ids):
 * {@code emogg_sessions_stopped_total{reason}}, {@code emogg_worker_state_transitions_total{to}},
 * {@code emogg_worker_report_lag_seconds} (a report's age when applied) and
 * {@code emogg_sessions{state,worker_state}}, counted from the database every 30 s by the api.
 */
@ApplicationScoped
public class SessionMetrics {

    private static final String COUNT = "select state, worker_state, count(*) from sessions group by state, worker_state";

    private final MeterRegistry registry;
    private final Pool pool;
    private final Timer reportLag;
    private final Map<SessionState, Map<WorkerState, AtomicLong>> counts = new EnumMap<>(SessionState.class);

    public SessionMetrics(MeterRegistry registry, Database database) {
        this.registry = registry;
        this.pool = database.pool();
        this.reportLag = Timer.builder("emogg.worker.report.lag")
                .description("From a worker's report to its application by the api")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
        for (SessionState state : SessionState.values()) {
            Map<WorkerState, AtomicLong> byWorker = new EnumMap<>(WorkerState.class);
            for (WorkerState workerState : WorkerState.values()) {
                AtomicLong count = new AtomicLong();
                byWorker.put(workerState, count);
                Gauge.builder("emogg.sessions", count, AtomicLong::get)
                        .description("Sessions by state and worker state")
                        .tag("state", state.value()).tag("worker_state", workerState.value())
                        .register(registry);
            }
            counts.put(state, byWorker);
        }
    }

    public void stopped(StopReason reason, int count) {
        if (count > 0) {
            Counter.builder("emogg.sessions.stopped").description("Sessions stopped, by why").tag("reason", reason.value())
                    .register(registry).increment(count);
        }
    }

    public void workerStateChanged(WorkerState to) {
        Counter.builder("emogg.worker.state.transitions").description("Applied changes of meta.workerState")
                .tag("to", to.value()).register(registry).increment();
    }

    public void reportApplied(Instant reportedAt, Instant now) {
        reportLag.record(Duration.between(reportedAt, now).abs());
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = OutsideApiRole.class)
    Uni<Void> count() {
        return pool.query(COUNT).execute().invoke(rows -> {
            counts.values().forEach(byWorker -> byWorker.values().forEach(count -> count.set(0)));
            for (Row row : rows) {
                SessionState state = WireValue.parse(SessionState.class, row.getString(0));
                WorkerState workerState = WireValue.parse(WorkerState.class, row.getString(1));
                if (state != null && workerState != null) {
                    counts.get(state).get(workerState).set(row.getLong(2));
                }
            }
        }).replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid();
    }
}
