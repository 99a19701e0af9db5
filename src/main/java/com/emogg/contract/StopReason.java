package com.emogg.contract;

/** Why a session was stopped: by its user, or by the system. */
public enum StopReason implements WireValue {
    /** {@code POST /v1/sessions/:id/stop}. */
    USER,
    /** Still active past {@code meta.expires}. */
    EXPIRED,
    /** Its worker reported {@code failed}: the stream is unusable. */
    WORKER_FAILED,
    /** Its worker stopped sending heartbeats: nothing analyses it any more. */
    WORKER_LOST,
    /** A stop nobody confirmed, sent again by the reconciler. */
    STOP_DEADLINE;

    /** {@code user} for a user's stop, {@code system} for every other: the {@code stoppedBy} of {@code SessionStopped}. */
    public String stoppedBy() {
        return this == USER ? "user" : "system";
    }
}
