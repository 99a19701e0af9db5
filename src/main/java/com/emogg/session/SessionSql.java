package com.emogg.session;

/**
 * The SQL of the sessions' hot paths, run with the reactive PostgreSQL client: each request is
 * one statement (one round trip, atomic on its own). The benchmark runs these very strings in
 * pgbench as its baseline, so they are public and their parameters documented.
 */
public final class SessionSql {

    /** Every column of {@code sessions}, in the order {@link SessionStore} reads them. */
    public static final String COLUMNS = "id, user_id, product_id, name, type, state, created_at, finished_at, expires_at, "
            + "stream_uri, remove_media, source_id, source_name, worker_state, health_check_at, worker_id, worker_seq, "
            + "stop_requested_at, stop_attempts";

    /**
     * What a stop does to its row, with {@code now} the SQL expression of the stop's time:
     * {@code active} -> {@code finished} with the duration frozen. Nothing had picked a
     * {@code pending} session up, so it is {@code stopped} at once; a running worker gets
     * {@code stopping} until it confirms; {@code stop_requested_at} starts the reconciler's deadline.
     */
    public static String finish(String now) {
        return "state = 'finished', finished_at = " + now + ", "
                + "worker_state = case when worker_state = 'pending' then 'stopped' "
                + "when worker_state in ('starting', 'working') then 'stopping' else worker_state end, "
                + "stop_requested_at = " + now + ", stop_attempts = 1";
    }

    /**
     * The outbox row of a stop, for each row of the CTE {@code stopped}; {@code reason}, {@code at} and
     * {@code traceparent} (the W3C trace context of the request, or null) are SQL expressions.
     */
    public static String stopEvent(String reason, String at, String traceparent) {
        return "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
                + "select gen_random_uuid(), id, 'commands', 'SessionStopRequested', "
                + "stop_requested_payload(id, user_id, product_id, remove_media, " + reason + ", " + at + "), " + at + ", "
                + traceparent + " from stopped";
    }

    /**
     * The {@code SessionStopped} fact of each row of the CTE {@code stopped} (which must return
     * {@code created_at} and {@code finished_at}), for the public session-events topic.
     */
    public static String stoppedFact(String reason, String at, String traceparent) {
        return "insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
                + "select gen_random_uuid(), id, 'events', 'SessionStopped', "
                + "session_stopped_payload(id, user_id, product_id, created_at, finished_at, " + reason + "), " + at + ", "
                + traceparent + " from stopped";
    }

    /**
     * The user's stop: $1 session id, $2 user id, $3 time (timestamptz), $4 reason, $5 traceparent. The guarded
     * update (of N concurrent stops exactly one finds the session active; the others wait on the row
     * lock and then see it finished) and the insert of its {@code SessionStopRequested} event, in one
     * statement, with its {@code SessionStopped} fact. Returns the stopped session, or no row.
     */
    public static final String STOP = "with stopped as (update sessions set " + finish("$3")
            + " where id = $1 and user_id = $2 and state = 'active' returning " + COLUMNS + "), "
            + "event as (" + stopEvent("$4", "$3", "$5") + "), fact as (" + stoppedFact("$4", "$3", "$5") + ") select " + COLUMNS
            + " from stopped";

    /**
     * Create: $1..$11 the session's id, user_id, product_id, name, type, created_at, expires_at,
     * stream_uri, remove_media, source_id, source_name (state 'active', worker_state 'pending'),
     * then $12 and $13 the id and body of its {@code SessionStartRequested} command, $14 and $15 those of
     * its {@code SessionCreated} fact, $16 the traceparent: the session, its command and its fact in one statement.
     * Returns the session.
     */
    public static final String CREATE = "with created as (insert into sessions (id, user_id, product_id, name, type, state, "
            + "created_at, expires_at, stream_uri, remove_media, source_id, source_name, worker_state) "
            + "values ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, 'pending') returning " + COLUMNS + "), "
            + "event as (insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
            + "select $12, id, 'commands', 'SessionStartRequested', $13, created_at, $16 from created), "
            + "fact as (insert into outbox (id, session_id, stream, type, payload, occurred_at, traceparent) "
            + "select $14, id, 'events', 'SessionCreated', $15, created_at, $16 from created) "
            + "select " + COLUMNS + " from created";

    /** $1 session id, $2 user id. */
    public static final String GET = "select " + COLUMNS + " from sessions where id = $1 and user_id = $2";

    /**
     * The first page of a user's list, unfiltered: $1 user id, $2 rows (the page size + 1, to know
     * whether more follow), $3 offset. Served by {@code sessions_by_user_newest}. Filters add
     * conditions between the user and the order.
     */
    public static final String LIST = "select " + COLUMNS + " from sessions where user_id = $1 "
            + "order by created_at desc, id desc limit $2 offset $3";

    private SessionSql() {
    }
}
