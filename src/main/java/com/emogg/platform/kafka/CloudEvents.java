package com.emogg.platform.kafka;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadataBuilder;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * A record as every producer of the application writes it: CloudEvents 1.0 in Kafka binary mode,
 * the JSON body as the value and the {@code ce_*} attributes as headers (docs/asyncapi.yaml), with
 * the trace context it continues.
 */
public final class CloudEvents {

    private CloudEvents() {
    }

    /**
     * @param subject the session the event is about ({@code ce_subject}), or null
     * @param body the JSON body, or null for a tombstone
     * @param record where it goes: the key, or a partition
     */
    public static Message<String> message(String id, String type, URI source, String subject, Instant time, String body,
            OutgoingKafkaRecordMetadata<String> record, Context trace) {
        OutgoingCloudEventMetadataBuilder<String> attributes = OutgoingCloudEventMetadata.<String>builder()
                .withId(id)
                .withType(type)
                .withSource(source)
                .withSubject(subject)
                .withTimestamp(time.atZone(ZoneOffset.UTC));
        // a tombstone (no body) is a record with a null value: the same ce_* headers, so it is deduped
        // and checked like any event, but no content type
        if (body != null) {
            attributes.withDataContentType("application/json");
        }
        return Message.of(body, Metadata.of(attributes.build(), record, TracingMetadata.withCurrent(trace)));
    }

    /** Where a record about one session goes: keyed by it, so its records share a partition and keep their order. */
    public static OutgoingKafkaRecordMetadata<String> keyed(String sessionId) {
        return OutgoingKafkaRecordMetadata.<String>builder().withKey(sessionId).build();
    }
}
