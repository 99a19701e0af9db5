package com.emogg.session;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.common.Role;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Runs the deadlines on a schedule, in the api role. */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final SessionDeadlines deadlines;
    private final boolean enabled;

    public Reconciler(SessionDeadlines deadlines, Role role) {
        this.deadlines = deadlines;
        this.enabled = role.servesApi();
    }

    // not once the application stops: its database pool closes before the scheduler does
    @Scheduled(identity = "session-deadlines", every = "${emogg.reconciler.interval:PT5S}", delayed = "PT2S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> reconcile() {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        return deadlines.expire()
                .chain(deadlines::resendStops)
                .chain(deadlines::loseSilentWorkers)
                .onFailure().invoke(e -> LOG.warnf("session deadlines not applied this round: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
