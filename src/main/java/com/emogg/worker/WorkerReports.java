package com.emogg.worker;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.emogg.contract.Channels;
import com.emogg.contract.WorkerHeartbeat;
import com.emogg.contract.WorkerState;
import com.emogg.contract.WorkerStateChanged;
import com.emogg.platform.Dates;
import com.emogg.platform.kafka.CloudEvents;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Sends a worker's reports to {@code worker-states} (CloudEvents, key = session id). Sent straight
 * away, with no outbox: a worker has no database. A lost report is healed by the next heartbeat,
 * which carries the state too.
 */
@ApplicationScoped
@RegisterForReflection(targets = {WorkerStateChanged.class, WorkerHeartbeat.class})
public class WorkerReports {

    private static final Logger LOG = Logger.getLogger(WorkerReports.class);

    @Inject
    @Channel(Channels.WORKER_STATES)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
    MutinyEmitter<String> emitter;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @ConfigProperty(name = "emogg.events.worker-source", defaultValue = "/emogg/workers")
    URI source;

    public void stateChanged(String sessionId, WorkerIdentity worker, WorkerState state, long seq, String reason) {
        Instant at = clock.instant();
        send(WorkerStateChanged.TYPE, sessionId, at, new WorkerStateChanged(WorkerStateChanged.SCHEMA_VERSION, sessionId, worker.id(),
                worker.run(), state, seq, reason, Dates.format(at)));
    }

    public void heartbeat(String sessionId, WorkerIdentity worker, WorkerState state, long seq) {
        Instant at = clock.instant();
        send(WorkerHeartbeat.TYPE, sessionId, at, new WorkerHeartbeat(WorkerHeartbeat.SCHEMA_VERSION, sessionId, worker.id(), worker.run(),
                state, seq, Dates.format(at)));
    }

    private void send(String type, String sessionId, Instant at, Object body) {
        String payload;
        try {
            payload = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report that cannot be written as JSON is a bug", e);
        }
        emitter.sendMessage(CloudEvents.message(UUID.randomUUID().toString(), type, source, sessionId, at, payload,
                CloudEvents.keyed(sessionId), Context.current()))
                .subscribe().with(sent -> { }, failure -> LOG.warnf("a %s report of session %s was not delivered: %s", type,
                        sessionId, failure.getMessage()));
    }
}
