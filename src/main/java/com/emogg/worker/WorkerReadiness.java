package com.emogg.worker;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A worker is ready once its consumer is in the group; the api role has no worker and is not concerned. */
@Readiness
@ApplicationScoped
public class WorkerReadiness implements HealthCheck {

    private final SessionWorkers workers;

    public WorkerReadiness(SessionWorkers workers) {
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("Session worker");
        return workers.current()
                .map(worker -> builder.status(worker.isHealthy()).withData("worker", worker.id())
                        .withData("sessions", worker.runningSessions().size()).build())
                .orElseGet(() -> builder.up().withData("worker", "none in this role").build());
    }
}
