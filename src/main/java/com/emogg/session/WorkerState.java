package com.emogg.session;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the worker owning a session reports: {@code pending} (no worker yet) -> {@code starting}
 * -> {@code working} -> {@code stopping} -> {@code stopped}, or {@code failed} / {@code lost}.
 * The declaration order is the progress order: a state never moves to an earlier one.
 */
public enum WorkerState {
    PENDING,
    STARTING,
    WORKING,
    STOPPING,
    STOPPED,
    FAILED,
    LOST;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Nothing runs any more for the session: delete is allowed, later reports are ignored. */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED || this == LOST;
    }
}
