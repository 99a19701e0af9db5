package com.emogg.session;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.auth.Caller;

import io.smallrye.mutiny.Uni;

/**
 * {@code ?wait=<state>&timeout=<duration>}: answers once the session's worker state reached the
 * awaited one (or went past it: a later state, or a terminal one it can no longer leave), or when
 * the timeout passes, with the session as it is then. Nothing blocks: the answer is a callback
 * of the worker-state notifications.
 */
@ApplicationScoped
public class SessionWaits {

    private final SessionService sessions;
    private final WorkerStateWatch watch;

    public SessionWaits(SessionService sessions, WorkerStateWatch watch) {
        this.sessions = sessions;
        this.watch = watch;
    }

    public Uni<Session> until(Caller caller, String id, WorkerState awaited, Duration timeout) {
        Uni<Boolean> reached = Uni.createFrom().emitter(emitter -> {
            // watch first, then read: a change between the two cannot be missed
            Runnable stopWatching = watch.watch(id, state -> {
                if (reached(state, awaited)) {
                    emitter.complete(true);
                }
            });
            emitter.onTermination(stopWatching);
            sessions.get(caller, id).subscribe().with(session -> {
                if (reached(session.workerState, awaited)) {
                    emitter.complete(true);
                }
            }, emitter::fail);
        });
        return reached.ifNoItem().after(timeout).recoverWithItem(false)
                .chain(ignored -> sessions.get(caller, id));
    }

    static boolean reached(WorkerState state, WorkerState awaited) {
        return state != null && (state.compareTo(awaited) >= 0 || state.isTerminal());
    }
}
