package com.emogg.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;

import com.emogg.contract.WorkerState;
import com.emogg.platform.auth.Caller;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.smallrye.mutiny.Uni;

/**
 * {@code ?wait=<state>&timeout=<duration>}: answers once the session's worker state reached the
 * awaited one (or went past it: a later state, or a terminal one it can no longer leave), or when
 * the timeout passes, with the session as it is then. Nothing blocks: the answer is a callback
 * of the worker-state notifications. When the replica starts shutting down, every wait answers at
 * once, as at its timeout: a client's wait must not hold the shutdown (nor be cut by it).
 */
@ApplicationScoped
public class SessionWaits {

    private final SessionService sessions;
    private final WorkerStateWatch watch;
    /** How to end each wait in progress now. */
    private final Set<Runnable> inProgress = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    public SessionWaits(SessionService sessions, WorkerStateWatch watch) {
        this.sessions = sessions;
        this.watch = watch;
    }

    public Uni<Session> until(Caller caller, String id, WorkerState awaited, Duration timeout) {
        Uni<Boolean> reached = Uni.createFrom().emitter(emitter -> {
            // watch first, then read: a change between the two cannot be missed
            Runnable stopWatching = watch.watch(id, state -> {
                if (state != null && state.reached(awaited)) {
                    emitter.complete(true);
                }
            });
            Runnable endNow = () -> emitter.complete(false);
            inProgress.add(endNow);
            emitter.onTermination(() -> {
                stopWatching.run();
                inProgress.remove(endNow);
            });
            if (shuttingDown) {
                endNow.run();
                return;
            }
            sessions.get(caller, id).subscribe().with(session -> {
                if (session.workerState().reached(awaited)) {
                    emitter.complete(true);
                }
            }, emitter::fail);
        });
        return reached.ifNoItem().after(timeout).recoverWithItem(false)
                .chain(ignored -> sessions.get(caller, id));
    }

    void endAll(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownDelayInitiatedEvent shutdown) {
        shuttingDown = true;
        inProgress.forEach(Runnable::run);
    }

}
