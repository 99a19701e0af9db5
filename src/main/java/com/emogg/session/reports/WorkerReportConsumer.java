package com.emogg.session.reports;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.emogg.contract.Channels;
import com.emogg.contract.ReportWatermark;
import com.emogg.contract.WorkerHeartbeat;
import com.emogg.contract.WorkerStateChanged;
import com.emogg.platform.ObjectIds;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The api's consumer of {@code worker-states}. Each report is applied in its own transaction;
 * unknown types and schema versions are skipped (counted, not retried), unreadable records go to the
 * dead-letter topic, and a database outage is waited out rather than dropping reports.
 */
@ApplicationScoped
@RegisterForReflection(targets = {WorkerStateChanged.class, WorkerHeartbeat.class, ReportWatermark.class})
public class WorkerReportConsumer {

    private static final Logger LOG = Logger.getLogger(WorkerReportConsumer.class);
    /** A database that stays down longer than this dead-letters the report rather than stalling the partition forever. */
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

    private final WorkerStateService service;
    private final ReportWatermarks watermarks;
    private final ObjectMapper json;
    private final MeterRegistry registry;

    public WorkerReportConsumer(WorkerStateService service, ReportWatermarks watermarks, ObjectMapper json, MeterRegistry registry) {
        this.service = service;
        this.watermarks = watermarks;
        this.json = json;
        this.registry = registry;
    }

    @Incoming(Channels.WORKER_STATES_IN)
    public Uni<Void> consume(Message<String> message) {
        Optional<IncomingCloudEventMetadata> cloudEvent = message.getMetadata(IncomingCloudEventMetadata.class);
        WorkerReport report;
        UUID eventId;
        try {
            if (cloudEvent.isEmpty()) {
                throw new IllegalArgumentException("not a CloudEvent");
            }
            eventId = UUID.fromString(cloudEvent.get().getId());
            if (ReportWatermark.TYPE.equals(cloudEvent.get().getType())) {
                return heard(message, json.readValue(message.getPayload(), ReportWatermark.class));
            }
            report = read(cloudEvent.get().getType(), message.getPayload());
        } catch (RuntimeException | java.io.IOException e) {
            registry.counter("emogg.events.rejected", "topic", "worker-states", "why", "unreadable").increment();
            LOG.warnf("unreadable record on worker-states, sent to the dead-letter topic: %s", e.getMessage());
            return done(message.nack(e));
        }
        if (report == null) {
            registry.counter("emogg.events.skipped", "topic", "worker-states", "type", String.valueOf(cloudEvent.get().getType()))
                    .increment();
            return done(message.ack());
        }
        return service.apply(eventId, report)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).expireIn(GIVE_UP_AFTER.toMillis())
                .onItemOrFailure().transformToUni((applied, failure) -> {
                    if (failure != null) {
                        LOG.errorf("a worker report could not be applied, sent to the dead-letter topic: %s", failure.getMessage());
                        return done(message.nack(failure));
                    }
                    registry.counter("emogg.worker.reports", "state", report.workerState().value(),
                            "applied", Boolean.toString(applied)).increment();
                    return done(message.ack());
                });
    }

    /**
     * Records the watermark under the partition it really came from. One not recorded (the database
     * away) is replaced by the next: nothing is retried or dead-lettered.
     */
    private Uni<Void> heard(Message<String> message, ReportWatermark mark) {
        Optional<IncomingKafkaRecordMetadata> record = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (record.isEmpty() || mark.schemaVersion() != ReportWatermark.SCHEMA_VERSION) {
            return done(message.ack());
        }
        return watermarks.heard(record.get().getPartition(), Instant.parse(mark.at()))
                .onFailure().invoke(e -> LOG.debugf("watermark not recorded: %s", e.getMessage()))
                .onItemOrFailure().transformToUni((ignored, failure) -> done(message.ack()));
    }

    /** The report, or null for a type or schema version this version of the api does not know. */
    private WorkerReport read(String type, String payload) throws java.io.IOException {
        if (WorkerStateChanged.TYPE.equals(type)) {
            WorkerStateChanged changed = json.readValue(payload, WorkerStateChanged.class);
            return changed.schemaVersion() != WorkerStateChanged.SCHEMA_VERSION ? null
                    : valid(new WorkerReport(changed.sessionId(), changed.workerId(), changed.workerRun(), changed.workerState(),
                            changed.seq(), Instant.parse(changed.at()), false));
        }
        if (WorkerHeartbeat.TYPE.equals(type)) {
            WorkerHeartbeat beat = json.readValue(payload, WorkerHeartbeat.class);
            return beat.schemaVersion() != WorkerHeartbeat.SCHEMA_VERSION ? null
                    : valid(new WorkerReport(beat.sessionId(), beat.workerId(), beat.workerRun(), beat.workerState(), beat.seq(),
                            Instant.parse(beat.at()), true));
        }
        return null;
    }

    private static WorkerReport valid(WorkerReport report) {
        if (!ObjectIds.isValid(report.sessionId()) || report.workerId() == null || report.workerState() == null) {
            throw new IllegalArgumentException("a report needs a session id, a worker id and a worker state");
        }
        return report;
    }

    private static Uni<Void> done(CompletionStage<Void> acknowledgement) {
        return Uni.createFrom().completionStage(acknowledgement);
    }
}
