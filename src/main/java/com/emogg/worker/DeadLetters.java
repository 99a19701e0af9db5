package com.emogg.worker;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Commands no worker can read go to {@code session-commands-dlq}, as they were, with where they came
 * from and why in {@code dead-letter-*} headers (the names Reactive Messaging uses for its own
 * dead-letter topics), so operators can inspect them and the partition keeps flowing.
 */
@ApplicationScoped
public class DeadLetters {

    static final String CHANNEL = "session-commands-dlq";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1000)
    MutinyEmitter<String> emitter;

    void send(ConsumerRecord<String, String> record, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(new RecordHeader("dead-letter-reason", bytes(reason)));
        headers.add(new RecordHeader("dead-letter-topic", bytes(record.topic())));
        headers.add(new RecordHeader("dead-letter-partition", bytes(Integer.toString(record.partition()))));
        headers.add(new RecordHeader("dead-letter-offset", bytes(Long.toString(record.offset()))));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        emitter.sendMessage(Message.of(record.value() == null ? "" : record.value()).addMetadata(metadata))
                .subscribe().with(sent -> { }, failure -> LOG.warnf("a dead letter was not delivered: %s", failure.getMessage()));
    }

    private static byte[] bytes(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
