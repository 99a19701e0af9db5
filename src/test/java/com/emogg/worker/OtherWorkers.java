package com.emogg.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.net.IpNetwork;
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

    public SessionWorker another(String workerId) {
        return another(workerId, analysis);
    }

    public SessionWorker another(String workerId, StreamAnalysis analysis) {
        return new SessionWorker(workerId, kafka, topic, config, analysis, reports, deadLetters, json, clock, registry, tracer);
    }

    /** The shipped probe, as a worker whose EMOGG_WORKER_ALLOWED_NETWORKS is {@code allowed} runs it (close it after). */
    public StreamProbe probeAllowing(List<IpNetwork> allowed) {
        return new StreamProbe(new Allowing(config, allowed), clock);
    }

    /** The test settings, but for the allowed networks. */
    private record Allowing(WorkerConfig settings, List<IpNetwork> networks) implements WorkerConfig {

        @Override
        public Optional<List<IpNetwork>> allowedNetworks() {
            return networks.isEmpty() ? Optional.empty() : Optional.of(networks);
        }

        @Override
        public Optional<String> id() {
            return settings.id();
        }

        @Override
        public String group() {
            return settings.group();
        }

        @Override
        public String mediaDir() {
            return settings.mediaDir();
        }

        @Override
        public Duration heartbeatInterval() {
            return settings.heartbeatInterval();
        }

        @Override
        public Duration stopConfirmWindow() {
            return settings.stopConfirmWindow();
        }

        @Override
        public Probe probe() {
            return settings.probe();
        }
    }
}
