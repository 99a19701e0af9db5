package com.emogg.session;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How current the api's view of the workers is: per partition of {@code worker-states}, the time of
 * the latest applied listening mark (see {@code com.emogg.session.events.ListeningMarks}), and since
 * when the broker path has worked without interruption. A worker is only silent when we were
 * listening: the reconciler measures its deadlines within {@link #span}, not up to now.
 */
@ApplicationScoped
public class Listening {

    /** Marks of several replicas arrive in any order: the latest wins. */
    private static final String HEARD = "insert into worker_states_heard (partition, heard_until, listening_since) "
            + "values (:partition, :at, :at) on conflict (partition) do update set "
            + "heard_until = greatest(worker_states_heard.heard_until, excluded.heard_until)";
    private static final String RESUMED = "update worker_states_heard set listening_since = greatest(listening_since, $1)";

    private final Pool pool;

    public Listening(Pool pool) {
        this.pool = pool;
    }

    @WithTransaction
    public Uni<Void> heard(int partition, Instant at) {
        return Panache.getSession().chain(session -> session.createNativeQuery(HEARD)
                .setParameter("partition", partition)
                .setParameter("at", at)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * The broker path works again as of {@code at}, after an interruption (marks failed, or were
     * delivered late): reports the workers held back may be written from now on, so silence counts
     * from here. Called from the producer's threads: a plain statement, no Hibernate session.
     */
    public Uni<Void> resumed(Instant at) {
        return pool.preparedQuery(RESUMED).execute(Tuple.of(at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    /**
     * The span in which every partition has been heard without interruption: up to when every worker
     * report has been applied (never after {@code now}), since the latest interruption. Before the
     * first mark was ever applied, the wall clock: up to {@code now}, since ever. Runs in the
     * caller's transaction.
     */
    Uni<HeardSpan> span(Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select min(heard_until), max(listening_since) from worker_states_heard", Object[].class)
                .getSingleResult())
                .map(row -> {
                    Instant until = instant(row[0]);
                    Instant since = instant(row[1]);
                    return until == null ? new HeardSpan(Instant.EPOCH, now)
                            : new HeardSpan(since, until.isAfter(now) ? now : until);
                });
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime time) {
            return time.toInstant();
        }
        return value instanceof java.sql.Timestamp timestamp ? timestamp.toInstant() : null;
    }

    /** A span of uninterrupted listening to the workers' reports. */
    public record HeardSpan(Instant since, Instant until) {

        /**
         * The latest last-report time that means silence for {@code deadline} within the span; the
         * epoch (no session is that old) while the span is shorter than the deadline.
         */
        Instant silentSince(Duration deadline) {
            Instant limit = until.minus(deadline);
            return since.isAfter(limit) ? Instant.EPOCH : limit;
        }
    }
}
