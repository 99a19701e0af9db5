package com.emogg.worker;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.common.annotation.Identifier;

/** Workers of the same group in the test's process, not started: what other worker processes would be. */
@ApplicationScoped
public class OtherWorkers {

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

    public OtherWorkers(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "emogg.topics.session-commands") String topic, WorkerConfig config, StreamAnalysis analysis,
            WorkerReports reports, DeadLetters deadLetters, ObjectMapper json, Clock clock, MeterRegistry registry, Tracer tracer) {
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

    /** A worker named as a worker process is by default (no EMOGG_WORKER_ID): what a second process on this host would be. */
    public SessionWorker another() {
        return new SessionWorker(WorkerIdentity.of(Optional.empty()), kafka, topic, config, analysis, reports, deadLetters, json, clock,
                registry, tracer);
    }

    /**
     * A default-named worker following {@code otherTopic} in a group of its own, as a worker of
     * another deployment would: for measurements on a topic of their own ({@link TakeoverBench}).
     */
    public SessionWorker following(String otherTopic, String group) {
        // every setting as configured but the group (a proxy, so a setting added later needs nothing here)
        WorkerConfig own = (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(), new Class<?>[] {WorkerConfig.class},
                (proxy, method, args) -> method.getName().equals("group") ? group : method.invoke(config, args));
        return new SessionWorker(WorkerIdentity.of(Optional.empty()), kafka, otherTopic, own, analysis, reports, deadLetters, json, clock,
                registry, tracer);
    }

    /** A worker with an explicit id, as EMOGG_WORKER_ID gives one. */
    public SessionWorker another(String workerId) {
        return new SessionWorker(WorkerIdentity.of(Optional.of(workerId)), kafka, topic, config, analysis, reports, deadLetters, json,
                clock, registry, tracer);
    }
}
