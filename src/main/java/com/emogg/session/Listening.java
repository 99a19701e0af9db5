package com.emogg.session;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * How current the api's view of the workers is: per partition of {@code worker-states}, the time of
 * the latest applied listening mark (see {@code com.emogg.session.events.ListeningMarks}). A worker
 * is only silent when we were listening: the reconciler measures its deadlines up to
 * {@link #heardUntil}, not up to now.
 */
@ApplicationScoped
public class Listening {

    /** Marks of several replicas arrive in any order: the latest wins. */
    @WithTransaction
    public Uni<Void> heard(int partition, Instant at) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "insert into worker_states_heard (partition, heard_until) values (:partition, :at) on conflict (partition) "
                        + "do update set heard_until = greatest(worker_states_heard.heard_until, excluded.heard_until)")
                .setParameter("partition", partition)
                .setParameter("at", at)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Up to when every worker report has been applied, in every partition, but never after {@code now};
     * {@code now} before the first mark was ever applied. Runs in the caller's transaction.
     */
    Uni<Instant> heardUntil(Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select min(heard_until) from worker_states_heard", Instant.class)
                .getSingleResult())
                .map(heard -> heard == null || heard.isAfter(now) ? now : heard);
    }
}
