package com.emogg.contract;

/**
 * The tombstone of a session on {@code session-commands}: a record keyed by the session id with no
 * value (null), written once the session reached a terminal worker state ({@link WorkerState#isTerminal()}),
 * after its stop command. Compaction then removes every command of the session, and, once the
 * topic's {@code delete.retention.ms} has passed, the tombstone too: a worker taking a partition
 * over rereads the sessions that may still run, not the whole history. It keeps the CloudEvents
 * headers of a command ({@code ce_id}, {@code ce_type} = {@link #TYPE}, ...) but has no body, so no
 * {@code content-type}. A worker treats any keyed record without a value as this, headers or not:
 * it forgets the session.
 */
public final class SessionSettled {

    public static final String TYPE = "SessionSettled";

    private SessionSettled() {
    }
}
