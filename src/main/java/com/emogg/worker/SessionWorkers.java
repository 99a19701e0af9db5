package com.emogg.worker;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;

/** This process's worker, in the worker role (and in {@code all}). */
@ApplicationScoped
public class SessionWorkers {

    private final Map<String, Object> kafka;
    private final String topic;
    private final WorkerConfig config;
    private final StreamAnalysis analysis;
    private final WorkerReports reports;
    private final DeadLetters deadLetters;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Tracer tracer;
    private volatile SessionWorker worker;

    public SessionWorkers(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "emogg.topics.session-commands") String topic, WorkerConfig config, StreamAnalysis analysis,
            WorkerReports reports, DeadLetters deadLetters, ObjectMapper json, Clock clock, MeterRegistry registry,
            Tracer tracer) {
        this.kafka = kafka;
        this.topic = topic;
        this.config = config;
        this.analysis = analysis;
        this.reports = reports;
        this.deadLetters = deadLetters;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
        this.tracer = tracer;
    }

    /** Starts this process's worker, as the worker role does at start-up; tests of the api role call it themselves. */
    public synchronized SessionWorker startWorker() {
        if (worker == null) {
            worker = worker(WorkerIdentity.of(config.id()), topic, config, analysis);
            worker.start();
        }
        return worker;
    }

    /** Early among the shutdown observers: the worker hands its sessions over while the broker is still reachable. */
    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        stopWorker();
    }

    public synchronized void stopWorker() {
        SessionWorker running = worker;
        worker = null;
        if (running != null) {
            running.stop();
        }
    }

    /**
     * A worker on this process's broker, not started: this process's own, or (tests) another one, on
     * a topic or in a group of its own, or running another analysis.
     */
    SessionWorker worker(WorkerIdentity identity, String commandsTopic, WorkerConfig settings, StreamAnalysis work) {
        return new SessionWorker(identity, kafka, commandsTopic, settings, work, reports, deadLetters, json, clock, registry, tracer);
    }

    /** This process's worker, or empty in the api role. */
    public Optional<SessionWorker> current() {
        return Optional.ofNullable(worker);
    }
}
