package com.emogg.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import com.emogg.outbox.OutboxRelay;
import com.emogg.platform.runtime.Role;
import com.emogg.session.WorkerStateWatch;
import com.emogg.worker.SessionWorkers;

import io.quarkus.runtime.StartupEvent;

/**
 * Starts what this process's role runs, the one place that asks: the api's relay and its watch of
 * worker states ({@code api}), the worker ({@code worker}), or both ({@code all}). What a role does
 * not run is never even created: a worker has no database, and none of the api's beans. (Scheduled
 * jobs of the api skip themselves in a worker, {@code OutsideApiRole}; the api's Kafka consumer is
 * switched off by configuration, {@code RoleConfigSourceFactory}.)
 */
@ApplicationScoped
public class Roles {

    void start(@Observes StartupEvent startup, Role role, Instance<OutboxRelay> relay, Instance<WorkerStateWatch> watch,
            Instance<SessionWorkers> workers) {
        if (role.servesApi()) {
            // listening from the start, so the first waits and subscriptions miss nothing
            watch.get().listening();
            relay.get().start();
        }
        if (role.runsWorkers()) {
            workers.get().startWorker();
        }
    }
}
