package com.emogg.session;

import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.emogg.contract.WorkerState;
import com.emogg.outbox.Outbox;
import com.emogg.platform.idempotency.Snapshots;

/**
 * The SQL of the sessions: each change is one statement (one round trip, atomic on its own) that
 * also records the change's events ({@link SessionEvents}). The benchmark runs these very strings
 * in pgbench as its baseline, so the hot ones are public and their parameters documented.
 */
public final class SessionSql {

    /** Every column of {@code sessions}, in the order {@link SessionStore} reads them. */
    public static final String COLUMNS = "id, user_id, product_id, name, type, state, created_at, finished_at, expires_at, "
            + "stream_uri, remove_media, source_id, source_name, worker_state, health_check_at, worker_id, worker_seq, "
            + "stop_requested_at, stop_attempts";

    /** The worker states where nothing runs any more, as an SQL list: {@link WorkerState#isTerminal()}. */
    public static final String TERMINAL = list(WorkerState::isTerminal);

    /** The worker states of a running worker, as an SQL list: {@link WorkerState#isRunning()}. */
    public static final String RUNNING = list(WorkerState::isRunning);

    /** The worker states in their progress order, as an SQL array: a state's rank is its position. */
    private static final String PROGRESS = Arrays.stream(WorkerState.values()).map(state -> "'" + state.value() + "'")
            .collect(Collectors.joining(", ", "array[", "]"));

    /**
     * Create: $1..$11 the session's id, user_id, product_id, name, type, created_at, expires_at,
     * stream_uri, remove_media, source_id, source_name (state 'active', worker_state 'pending'),
     * $12 the traceparent: the session, its {@code SessionStartRequested} command and its
     * {@code SessionCreated} fact in one statement. Returns the session.
     */
    public static final String CREATE = "with created as (insert into sessions (id, user_id, product_id, name, type, state, "
            + "created_at, expires_at, stream_uri, remove_media, source_id, source_name, worker_state) "
            + "values ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, 'pending') returning " + COLUMNS + "), "
            + "events as (" + Outbox.record("created", "$12", SessionEvents.startRequested(), SessionEvents.created()) + ") "
            + "select " + COLUMNS + " from created";

    /**
     * Create with an {@code Idempotency-Key}: as {@link #CREATE} ($1..$12), made only by the first
     * request with its key and recorded with it, in the same statement ({@link Snapshots#once}:
     * $13 user id, $14 key, $15 the request's fingerprint, $16 the time its response is rendered at).
     */
    public static final String CREATE_ONCE = SessionStore.SNAPSHOTS.once("created as (insert into sessions (id, user_id, product_id, "
            + "name, type, state, created_at, expires_at, stream_uri, remove_media, source_id, source_name, worker_state) "
            + "select $1::text, $2::text, $3::text, $4::text, $5::text, 'active', $6::timestamptz, $7::timestamptz, $8::text, "
            + "$9::boolean, $10::uuid, $11::text, 'pending' where " + Snapshots.FIRST + " returning " + COLUMNS + "), "
            + "events as (" + Outbox.record("created", "$12", SessionEvents.startRequested(), SessionEvents.created()) + ")",
            "created", 13);

    /** $1 session id, $2 user id. */
    public static final String GET = "select " + COLUMNS + " from sessions where id = $1 and user_id = $2";

    /**
     * The first page of a user's list, unfiltered: $1 user id, $2 rows (the page size + 1, to know
     * whether more follow), $3 offset. Served by {@code sessions_by_user_newest}. Filters add
     * conditions between the user and the order.
     */
    public static final String LIST = "select " + COLUMNS + " from sessions where user_id = $1 "
            + "order by created_at desc, id desc limit $2 offset $3";

    /**
     * The user's stop: $1 session id, $2 user id, $3 time (timestamptz), $4 reason, $5 traceparent.
     * Of N concurrent stops exactly one finds the session active (the others wait on the row lock,
     * then see it finished). Returns the stopped session, or no row.
     */
    public static final String STOP = stop("select id, worker_state from sessions where id = $1 and user_id = $2 and state = 'active' "
            + "for update", "$4", "$3", "$5");

    /**
     * The user's stop with an {@code Idempotency-Key}: as {@link #STOP} ($1..$5), made only by the
     * first request with its key and recorded with it, in the same statement ({@link Snapshots#once}:
     * $6 user id, $7 key, $8 the request's fingerprint, $9 the time its response is rendered at). No
     * row: nothing stopped, nothing recorded (no active session of this user with that id, or not the
     * first request with the key).
     */
    public static final String STOP_ONCE = SessionStore.SNAPSHOTS.once(stopping("select id, worker_state from sessions "
            + "where id = $1 and user_id = $2 and state = 'active' and " + Snapshots.FIRST + " for update", "$4", "$3", "$5"),
            "stopped", 6);

    /** Rename: $1 session id, $2 user id, $3 the name, $4 time, $5 traceparent; a {@code SessionRenamed} when it changed. */
    public static final String RENAME = "with previous as (select id as previous_id, name as previous_name from sessions "
            + "where id = $1 and user_id = $2 for update), "
            + "renamed as (update sessions s set name = $3 from previous where s.id = previous_id returning " + COLUMNS
            + ", previous_name), "
            + "events as (" + Outbox.record("renamed", "$5", SessionEvents.renamed("$4")) + ") "
            + "select " + COLUMNS + " from renamed";

    /**
     * Delete a settled session (finished, its worker in a terminal state): $1 session id, $2 user id,
     * $3 time, $4 traceparent; a {@code SessionDeleted}. Returns the id, or no row.
     */
    public static final String DELETE = "with gone as (delete from sessions where id = $1 and user_id = $2 and state = 'finished' "
            + "and worker_state in " + TERMINAL + " returning id, user_id, product_id), "
            + "events as (" + Outbox.record("gone", "$4", SessionEvents.deleted("$3")) + ") "
            + "select id from gone";

    private SessionSql() {
    }

    /**
     * A stop of the sessions {@code select} picks (it returns their {@code id} and
     * {@code worker_state}, and locks them): each goes {@code active} -> {@code finished} with its
     * duration frozen ({@code at}, an SQL expression); a {@code pending} one is {@code stopped} at
     * once (nothing picked it up), a running worker gets {@code stopping} until it confirms, and
     * {@code stop_requested_at} starts the reconciler's deadline. With its command, its
     * {@code SessionStopped} and its {@code SessionWorkerStateChanged}, and, for one {@code stopped}
     * at once, its tombstone after the command. Returns the stopped sessions.
     */
    public static String stop(String select, String reason, String at, String traceparent) {
        return "with " + stopping(select, reason, at, traceparent) + " select " + COLUMNS + " from stopped";
    }

    /** The common table expressions of {@link #stop}: {@code stopped} holds the stopped sessions. */
    private static String stopping(String select, String reason, String at, String traceparent) {
        return "previous as (select id as previous_id, worker_state as previous_worker_state from (" + select + ") picked), "
                + "stopped as (update sessions s set state = 'finished', finished_at = " + at + ", "
                + "worker_state = case when worker_state = 'pending' then 'stopped' "
                + "when worker_state in " + RUNNING + " then 'stopping' else worker_state end, "
                + "stop_requested_at = " + at + ", stop_attempts = 1 "
                + "from previous where s.id = previous_id returning " + COLUMNS + ", previous_worker_state), "
                + "events as (" + Outbox.record("stopped", traceparent, SessionEvents.stopRequested(reason, at, null),
                        SessionEvents.stopped(reason, at, null), SessionEvents.workerStateChanged(at), SessionEvents.settled(at)) + ")";
    }

    /** {@code expression}'s rank in the progress order of worker states. */
    public static String rank(String expression) {
        return "array_position(" + PROGRESS + ", " + expression + ")";
    }

    private static String list(Predicate<WorkerState> which) {
        return Arrays.stream(WorkerState.values()).filter(which).map(state -> "'" + state.value() + "'")
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
