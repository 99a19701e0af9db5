package com.emogg.platform.runtime;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips the scheduled jobs of the api role ({@code skipExecutionIf}) in a worker process, where
 * their beans are never created, and once the application stops (its database pool closes before
 * the scheduler does).
 */
@Singleton
public class OutsideApiRole implements Scheduled.SkipPredicate {

    private final boolean servesApi;
    private volatile boolean running;

    public OutsideApiRole(Role role) {
        this.servesApi = role.servesApi();
    }

    void started(@Observes StartupEvent startup) {
        running = true;
    }

    void stopping(@Observes ShutdownEvent shutdown) {
        running = false;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !servesApi || !running;
    }
}
