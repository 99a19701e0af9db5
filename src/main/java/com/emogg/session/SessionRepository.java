package com.emogg.session;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/**
 * Sessions as entities, for the paths that change them field by field (rename, delete) inside a
 * Hibernate Reactive transaction; the hot paths use {@link SessionStore}. Every query is scoped
 * to one user.
 */
@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<Session, String> {

    public Uni<Session> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    /** Deletes a session that is neither active nor processing; false when there is none such. */
    public Uni<Boolean> deleteSettled(String id, String userId) {
        return delete("id = ?1 and userId = ?2 and state = ?3 and workerState in (?4)", id, userId, SessionState.FINISHED,
                List.of(WorkerState.STOPPED, WorkerState.FAILED, WorkerState.LOST))
                .map(count -> count > 0);
    }
}
