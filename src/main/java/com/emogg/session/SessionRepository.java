package com.emogg.session;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Sessions as their owners see them: every query is scoped to one user. */
@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<Session, String> {

    /** The entity's columns, in the order a native query must return them to map onto it. */
    static final String COLUMNS = "id, user_id, product_id, name, type, state, created_at, finished_at, expires_at, "
            + "stream_uri, remove_media, source_id, source_name, worker_state, health_check_at, worker_id, worker_seq, "
            + "stop_requested_at, stop_attempts";

    /**
     * The stop, as one guarded statement: only an active session of this user changes, so of N
     * concurrent stops exactly one finds it active (the others wait on the row lock, then see it
     * finished). Nothing had picked a {@code pending} session up, so it is {@code stopped} at once.
     */
    private static final String STOP = "update sessions set " + Stops.FINISH
            + " where id = :id and user_id = :user and state = 'active' returning " + COLUMNS;

    public Uni<Session> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    public Uni<List<Session>> page(String userId, SessionFilter filter, int offset, int count) {
        StringBuilder query = new StringBuilder("userId = :user");
        Parameters parameters = Parameters.with("user", userId);
        if (filter.state() != null) {
            query.append(" and state = :state");
            parameters.and("state", filter.state());
        }
        if (filter.type() != null) {
            query.append(" and type = :type");
            parameters.and("type", filter.type());
        }
        if (filter.from() != null) {
            query.append(" and createdAt >= :from");
            parameters.and("from", filter.from());
        }
        if (filter.to() != null) {
            query.append(" and createdAt < :to");
            parameters.and("to", filter.to());
        }
        return find(query.toString(), Sort.descending("createdAt", "id"), parameters)
                .range(offset, offset + count - 1)
                .list();
    }

    /** The stopped session, or null when this user has no active session with that id. */
    public Uni<Session> stop(String id, String userId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery(STOP, Session.class)
                .setParameter("id", id)
                .setParameter("user", userId)
                .setParameter("now", now)
                .getSingleResultOrNull());
    }

    /** Deletes a session that is neither active nor processing; false when there is none such. */
    public Uni<Boolean> deleteSettled(String id, String userId) {
        return delete("id = ?1 and userId = ?2 and state = ?3 and workerState in (?4)", id, userId, SessionState.FINISHED,
                List.of(WorkerState.STOPPED, WorkerState.FAILED, WorkerState.LOST))
                .map(count -> count > 0);
    }
}
