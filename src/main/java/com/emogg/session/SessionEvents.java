package com.emogg.session;

import com.emogg.contract.SessionCreated;
import com.emogg.contract.SessionDeleted;
import com.emogg.contract.SessionRenamed;
import com.emogg.contract.SessionSettled;
import com.emogg.contract.SessionStartRequested;
import com.emogg.contract.SessionStopRequested;
import com.emogg.contract.SessionStopped;
import com.emogg.contract.SessionWorkerStateChanged;
import com.emogg.outbox.EventStream;
import com.emogg.outbox.Outbox;

/**
 * The events of a session's life, as the statements that change it record them ({@link Outbox}):
 * the commands for its worker on {@code session-commands} and the public facts on
 * {@code session-events}. Each body is built by the database function that defines it
 * ({@code V4}, {@code V7}, {@code V11}) from the columns of the changed session; {@code at},
 * {@code reason} and {@code when} are SQL expressions.
 */
public final class SessionEvents {

    private SessionEvents() {
    }

    /** {@code SessionStartRequested}, for the worker: the only event with the stream URI. */
    static Outbox.Event startRequested() {
        return new Outbox.Event(EventStream.COMMANDS, SessionStartRequested.TYPE,
                "start_requested_payload(changed.id, user_id, product_id, stream_uri, remove_media, expires_at, created_at)", "created_at", null);
    }

    static Outbox.Event created() {
        return new Outbox.Event(EventStream.EVENTS, SessionCreated.TYPE, "session_created_payload(changed.id, user_id, product_id, name, "
                + "type, created_at, expires_at, remove_media, source_id, source_name)", "created_at", null);
    }

    /** {@code SessionStopRequested}, for the worker. */
    public static Outbox.Event stopRequested(String reason, String at, String when) {
        return new Outbox.Event(EventStream.COMMANDS, SessionStopRequested.TYPE,
                "stop_requested_payload(changed.id, user_id, product_id, remove_media, " + reason + ", " + at + ")", at, when);
    }

    /**
     * {@code SessionSettled}, the session's tombstone on {@code session-commands} (no body), when the
     * statement made {@code worker_state} terminal (from {@code previous_worker_state}, a column the
     * statement keeps from before its change). Listed after the statement's stop command, it is
     * published after it (same key, same partition, and the relay sends a session's commands in order).
     */
    public static Outbox.Event settled(String at) {
        return new Outbox.Event(EventStream.COMMANDS, SessionSettled.TYPE, "null::text", at,
                "worker_state in " + SessionSql.TERMINAL + " and previous_worker_state not in " + SessionSql.TERMINAL);
    }

    /** {@code SessionStopped}, with the duration from {@code created_at} to {@code finished_at}. */
    public static Outbox.Event stopped(String reason, String at, String when) {
        return new Outbox.Event(EventStream.EVENTS, SessionStopped.TYPE,
                "session_stopped_payload(changed.id, user_id, product_id, created_at, finished_at, " + reason + ")", at, when);
    }

    /**
     * {@code SessionWorkerStateChanged} when {@code worker_state} differs from
     * {@code previous_worker_state} (a column the statement keeps from before its change): every
     * applied change of {@code meta.workerState} has its fact, whatever made it.
     */
    public static Outbox.Event workerStateChanged(String at) {
        return new Outbox.Event(EventStream.EVENTS, SessionWorkerStateChanged.TYPE,
                "worker_state_changed_payload(changed.id, user_id, product_id, worker_state, previous_worker_state, " + at + ")", at,
                "worker_state is distinct from previous_worker_state");
    }

    /** {@code SessionRenamed} when {@code name} differs from {@code previous_name}. */
    static Outbox.Event renamed(String at) {
        return new Outbox.Event(EventStream.EVENTS, SessionRenamed.TYPE,
                "session_renamed_payload(changed.id, user_id, product_id, name, previous_name, " + at + ")", at, "name <> previous_name");
    }

    static Outbox.Event deleted(String at) {
        return new Outbox.Event(EventStream.EVENTS, SessionDeleted.TYPE, "session_deleted_payload(changed.id, user_id, product_id, " + at + ")",
                at, null);
    }
}
