package com.emogg.session.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.common.Role;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/** Runs this process's worker in the worker role (and in {@code all}); makes more for tests. */
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
    private final Role role;
    private final Tracer tracer;
    private volatile SessionWorker worker;

    public SessionWorkers(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "emogg.topics.session-commands") String topic, WorkerConfig config, StreamAnalysis analysis,
            WorkerReports reports, DeadLetters deadLetters, ObjectMapper json, Clock clock, MeterRegistry registry, Role role,
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
        this.role = role;
        this.tracer = tracer;
    }

    void start(@Observes StartupEvent startup) {
        if (role.runsWorkers()) {
            startWorker();
        }
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        stopWorker();
    }

    /** Starts this process's worker, as the worker role does at start-up; tests of the api role call it themselves. */
    public synchronized SessionWorker startWorker() {
        if (worker == null) {
            worker = create(config.id().orElseGet(SessionWorkers::hostName));
            worker.start();
        }
        return worker;
    }

    public synchronized void stopWorker() {
        SessionWorker running = worker;
        worker = null;
        if (running != null) {
            running.stop();
        }
    }

    /** This process's worker, or empty in the api role. */
    public Optional<SessionWorker> current() {
        return Optional.ofNullable(worker);
    }

    /** Another worker of the same group (not started): what another worker process would be, for tests. */
    public SessionWorker create(String workerId) {
        return new SessionWorker(workerId, kafka, topic, config, analysis, reports, deadLetters, json, clock, registry, tracer);
    }

    private static String hostName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
