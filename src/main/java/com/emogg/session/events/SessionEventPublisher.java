package com.emogg.session.events;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.emogg.common.Traces;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends recorded events to Kafka as CloudEvents 1.0 in binary mode: the JSON body as the record
 * value, the session id as the key, {@code ce_*} headers.
 */
@ApplicationScoped
public class SessionEventPublisher {

    /** Above the relay's largest batch, so a round never overflows the emitter. */
    static final int BUFFER = 2048;

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

    /**
     * Sends the events in the given order and answers, for each, a future that completes once the
     * broker acknowledged it, or fails.
     */
    public List<CompletableFuture<Void>> publish(List<PendingEvent> events) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            // subscribing sends: one by one, in order
            acks.add(emitter(event.stream()).sendMessage(message(event)).subscribeAsCompletionStage());
        }
        return acks;
    }

    private MutinyEmitter<String> emitter(EventStream stream) {
        return switch (stream) {
            case COMMANDS -> commands;
            case EVENTS -> facts;
        };
    }

    private Message<String> message(PendingEvent event) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(event.id().toString())
                .withType(event.type())
                .withSource(source)
                .withSubject(event.sessionId())
                .withTimestamp(event.occurredAt().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> record = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.sessionId())
                .build();
        // the trace goes on from the request that recorded the event
        return Message.of(event.payload(), Metadata.of(cloudEvent, record, TracingMetadata.withCurrent(Traces.parent(event.traceparent()))));
    }
}
