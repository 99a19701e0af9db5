package com.emogg.session.events;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a session was stopped: by its user, or by the system. */
public enum StopReason {
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

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
