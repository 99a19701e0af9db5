package com.emogg.session.events;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An event of a session, recorded in the {@code outbox} table in the same transaction as the change
 * it reports, and published to Kafka by {@link SessionEventRelay} once that transaction committed.
 */
@Entity
@Table(name = "outbox")
public class SessionEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Assigned by the database; the relay publishes in this order. */
    @Column(insertable = false, updatable = false)
    public Long seq;

    public String sessionId;

    public EventStream stream;

    public String type;

    /** The JSON body, exactly as it goes to Kafka. */
    public String payload;

    public Instant occurredAt;

    public Instant publishedAt;

    @Override
    public String toString() {
        return "SessionEvent<" + type + " " + id + " of " + sessionId + ">";
    }
}
