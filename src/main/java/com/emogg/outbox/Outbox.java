package com.emogg.outbox;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The one writer of {@code outbox} rows. Events are recorded by the very statement that makes the
 * change they report, as one of its common table expressions, so the change and its events commit
 * together or not at all; the relay publishes the rows after commit. Callers describe each event
 * with SQL expressions over the rows of a CTE of theirs (the changed sessions), its body built by
 * the database function that defines it (see {@code V11__event_bodies.sql}).
 *
 * <p>Order: every statement that records an event of a session holds that session's row (it just
 * inserted, updated or deleted it), so a session's events are numbered ({@code seq}) in commit
 * order; the events of one statement are inserted by one {@code insert}, each session's in the order
 * given (PostgreSQL runs the CTEs of a statement in no order it promises, so one CTE per event
 * would not do).
 */
public final class Outbox {

    /**
     * An event to record for each row of the statement's changed sessions.
     *
     * @param body SQL expression of the JSON body, over the rows' columns
     * @param at SQL expression of when it happened ({@code ce_time})
     * @param when SQL condition on the row, or null for every row
     */
    public record Event(EventStream stream, String type, String body, String at, String when) {
    }

    private Outbox() {
    }

    /**
     * The events of each row of {@code rows} (a CTE whose {@code id} column is the session id), in
     * the order given; {@code traceparent} is the SQL expression of the W3C trace context to carry
     * on, or {@code "null"}.
     */
    public static String record(String rows, String traceparent, Event... events) {
        String values = IntStream.range(0, events.length)
                .mapToObj(i -> "('" + events[i].stream().value() + "', '" + events[i].type() + "', " + events[i].body() + ", "
                        + events[i].at() + ", " + (events[i].when() == null ? "true" : events[i].when()) + ", " + i + ")")
                .collect(Collectors.joining(", "));
        return "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
                + "select gen_random_uuid(), changed.id, event.stream, event.type, event.payload, event.at, " + traceparent
                + " from " + rows + " changed cross join lateral (values " + values
                + ") as event (stream, type, payload, at, wanted, n) where event.wanted order by changed.id, event.n";
    }
}
