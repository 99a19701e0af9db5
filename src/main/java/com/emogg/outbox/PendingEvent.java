package com.emogg.outbox;

import java.time.Instant;
import java.util.UUID;

import com.emogg.contract.WireValue;

import io.vertx.mutiny.sqlclient.Row;

/** An outbox row the relay is about to publish. */
record PendingEvent(long seq, UUID id, String sessionId, EventStream stream, String type, String payload, Instant occurredAt,
        String traceparent) {

    static final String COLUMNS = "seq, id, session_id, stream, type, payload, occurred_at, traceparent";

    static PendingEvent of(Row row) {
        return new PendingEvent(row.getLong("seq"), row.getUUID("id"), row.getString("session_id"),
                WireValue.parse(EventStream.class, row.getString("stream")), row.getString("type"),
                row.getString("payload"), row.getOffsetDateTime("occurred_at").toInstant(), row.getString("traceparent"));
    }
}
