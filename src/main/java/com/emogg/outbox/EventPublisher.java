package com.emogg.outbox;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.emogg.contract.Channels;
import com.emogg.platform.kafka.CloudEvents;
import com.emogg.platform.runtime.Traces;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Sends recorded events to Kafka as CloudEvents 1.0 in binary mode: the JSON body as the record
 * value, the session id as the key, {@code ce_*} headers. An event without a body is a tombstone
 * ({@link com.emogg.contract.SessionSettled}): a record whose value is null.
 */
@ApplicationScoped
public class EventPublisher {

    /** Above the most events a relay has out at once ({@link OutboxRelay}), so it never overflows the emitter. */
    static final int BUFFER = 4096;

    @Inject
    @Channel(Channels.SESSION_COMMANDS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> commands;

    @Inject
    @Channel(Channels.SESSION_EVENTS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> facts;

    @ConfigProperty(name = "emogg.events.source", defaultValue = "/emogg/sessions")
    URI source;

    /** Sends the event (subscribing sends); completes once the broker acknowledged it, or fails. */
    public CompletableFuture<Void> send(PendingEvent event) {
        return emitter(event.stream()).sendMessage(message(event)).subscribeAsCompletionStage();
    }

    private MutinyEmitter<String> emitter(EventStream stream) {
        return switch (stream) {
            case COMMANDS -> commands;
            case EVENTS -> facts;
        };
    }

    private Message<String> message(PendingEvent event) {
        // the trace goes on from the request that recorded the event
        return CloudEvents.message(event.id().toString(), event.type(), source, event.sessionId(), event.occurredAt(), event.payload(),
                CloudEvents.keyed(event.sessionId()), Traces.parent(event.traceparent()));
    }
}
