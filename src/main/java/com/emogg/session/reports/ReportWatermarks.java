package com.emogg.session.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.platform.database.Database;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How current the api's view of the workers is: per partition of {@code worker-states}, the time of
 * the latest {@link com.emogg.contract.ReportWatermark} its consumer applied (every report written
 * to that partition before it has been applied), and since when the broker path has worked without
 * interruption. A worker is only silent while we were listening: the reconciler measures its
 * deadlines within {@link #span}, not up to now.
 */
@ApplicationScoped
public class ReportWatermarks {

    /** Watermarks of several replicas arrive in any order: the latest wins. */
    private static final String HEARD = "insert into worker_states_heard (partition, heard_until, listening_since) "
            + "values ($1, $2, $2) on conflict (partition) do update set "
            + "heard_until = greatest(worker_states_heard.heard_until, excluded.heard_until)";
    private static final String RESUMED = "update worker_states_heard set listening_since = greatest(listening_since, $1)";
    private static final String SPAN = "select min(heard_until), max(listening_since) from worker_states_heard";

    private final Pool pool;

    public ReportWatermarks(Database database) {
        this.pool = database.pool();
    }

    /** Every report written to {@code partition} before {@code at} has been applied. */
    public Uni<Void> heard(int partition, Instant at) {
        return pool.preparedQuery(HEARD).execute(Tuple.of(partition, at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /**
     * The broker path works again as of {@code at}, after an interruption (watermarks failed, or
     * were delivered late): reports the workers held back may be written from now on, so silence
     * counts from here.
     */
    public Uni<Void> resumed(Instant at) {
        return pool.preparedQuery(RESUMED).execute(Tuple.of(at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /**
     * The span in which every partition has been heard without interruption: up to when every worker
     * report has been applied (never after {@code now}), since the latest interruption. Before the
     * first watermark was ever applied, the wall clock: up to {@code now}, since ever.
     */
    public Uni<HeardSpan> span(Instant now) {
        return pool.query(SPAN).execute().map(rows -> {
            Row row = rows.iterator().next();
            Instant until = instant(row.getOffsetDateTime(0));
            Instant since = instant(row.getOffsetDateTime(1));
            return until == null ? new HeardSpan(Instant.EPOCH, now) : new HeardSpan(since, until.isAfter(now) ? now : until);
        });
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** A span of uninterrupted listening to the workers' reports. */
    public record HeardSpan(Instant since, Instant until) {

        /**
         * The latest last-report time that means silence for {@code deadline} within the span; the
         * epoch (no session is that old) while the span is shorter than the deadline.
         */
        public Instant silentSince(Duration deadline) {
            Instant limit = until.minus(deadline);
            return since.isAfter(limit) ? Instant.EPOCH : limit;
        }
    }
}
