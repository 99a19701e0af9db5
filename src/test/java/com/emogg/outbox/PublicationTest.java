package com.emogg.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's ordering and fencing rules on the producer side, without a broker: what a transaction
 * publishes is exactly what was sent in it, in the order sent; a failed or fenced transaction
 * publishes nothing. (SessionCommandsRelayTest holds the same against a real broker.)
 */
class PublicationTest {

    private MockProducer<String, String> producer;
    private Publication publication;

    @BeforeEach
    void open() {
        producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        publication = new Publication(producer, event -> new ProducerRecord<>("commands", event.sessionId(), event.payload()));
    }

    @Test
    void aSessionsEventsArePublishedInTheOrderRead() {
        List<PendingEvent> read = List.of(event(1, "a", "start"), event(2, "b", "start"), event(3, "a", "stop"), event(4, "a", "settled"));
        publication.send(read.subList(0, 2));
        publication.send(read.subList(2, 4));
        assertTrue(producer.history().isEmpty(), "nothing is published before the commit");

        assertEquals(read, publication.commit());
        assertEquals(List.of("start", "stop", "settled"), producer.history().stream().filter(r -> r.key().equals("a")).map(ProducerRecord::value).toList());
        assertTrue(publication.inTransaction().isEmpty());
    }

    @Test
    void aFailedCommitPublishesNoneOfItsEvents() {
        producer.commitTransactionException = new KafkaException("the broker did not answer");
        publication.send(List.of(event(1, "a", "stop"), event(2, "a", "settled")));

        assertThrows(KafkaException.class, publication::commit);
        assertTrue(producer.history().isEmpty(), "a later event can never reach the topic before an earlier one that failed");
        assertEquals(List.of(1L, 2L), List.of(publication.seqs()), "the events stay unmarked: the relay reads them again, in order");
    }

    @Test
    void aFencedRelayPublishesNothingMore() {
        publication.send(List.of(event(1, "a", "stop")));
        producer.fenceProducer(); // another relay opened a publication of the same transactional id

        RuntimeException refused = assertThrows(RuntimeException.class, publication::commit);
        assertTrue(Publication.fenced(refused), refused.toString());
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void aFailureOtherThanFencingKeepsTheLead() {
        assertEquals(false, Publication.fenced(new KafkaException("timeout", new RuntimeException())));
    }

    private static PendingEvent event(long seq, String session, String payload) {
        return new PendingEvent(seq, UUID.randomUUID(), session, EventStream.COMMANDS, "T", payload, Instant.EPOCH, null);
    }
}
