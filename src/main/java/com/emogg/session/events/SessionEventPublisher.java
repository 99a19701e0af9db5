package com.emogg.session.events;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** Above the most events a relay has out at once ({@link SessionEventRelay}), so it never overflows the emitter. */
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

    /**
     * Sends the events and answers, for each, a future that completes once the broker acknowledged
     * it, or fails. Events of one session and stream are sent one after the other, each once the one
     * before was acknowledged, so that one of them failing (say, its send timed out waiting for the
     * topic's metadata) can never let a later one reach the topic first; other sessions' go meanwhile.
     * {@code chains} holds the last event sent of each session and stream ({@link
     * EventsInFlight#order}), this call's and earlier ones': it is updated here.
     */
    public List<CompletableFuture<Void>> publish(List<PendingEvent> events, Map<String, CompletableFuture<Void>> chains) {
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            String order = EventsInFlight.order(event);
            CompletableFuture<Void> before = chains.get(order);
            // async: never send from the thread that completed the acknowledgement (the client's network thread)
            CompletableFuture<Void> acked = before == null ? send(event) : before.thenComposeAsync(ignored -> send(event));
            chains.put(order, acked);
            acks.add(acked);
        }
        return acks;
    }

    private CompletableFuture<Void> send(PendingEvent event) {
        // subscribing sends
        return emitter(event.stream()).sendMessage(message(event)).subscribeAsCompletionStage();
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
