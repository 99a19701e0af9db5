package com.emogg.session.deadlines;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.platform.runtime.OutsideApiRole;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Runs the deadlines on a schedule, in the api role. */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final SessionDeadlines deadlines;

    public Reconciler(SessionDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    @Scheduled(identity = "session-deadlines", every = "${emogg.reconciler.interval:PT5S}", delayed = "PT2S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = OutsideApiRole.class)
    Uni<Void> reconcile() {
        return deadlines.expire()
                .chain(deadlines::resendStops)
                .chain(deadlines::loseSilentWorkers)
                .onFailure().invoke(e -> LOG.warnf("session deadlines not applied this round: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
