package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the worker owning a session reports: {@code pending} (no worker yet) -> {@code starting}
 * -> {@code working} -> {@code stopping} -> {@code stopped}, or {@code failed} / {@code lost}.
 *
 * <p>The rules of its progress live here and only here: the declaration order is the progress
 * order, a state never moves to an earlier one, and nothing leaves a terminal state. The api's SQL
 * derives its ranks from this order.
 */
public enum WorkerState implements WireValue {
    PENDING,
    STARTING,
    WORKING,
    STOPPING,
    STOPPED,
    FAILED,
    LOST;

    // declared here too, not only on WireValue: the OpenAPI document reads the enum's own methods
    @JsonValue
    @Override
    public String value() {
        return WireValue.super.value();
    }

    /** Nothing runs any more for the session: delete is allowed, later reports are ignored. */
    public boolean isTerminal() {
        return this == STOPPED || this == FAILED || this == LOST;
    }

    /** A worker is (or should be) analysing the session: it sends heartbeats, and its silence means lost. */
    public boolean isRunning() {
        return this == STARTING || this == WORKING;
    }

    /** Whether a report of {@code next} may replace this state: never backwards, never out of a terminal state. */
    public boolean mayBecome(WorkerState next) {
        return !isTerminal() && compareTo(next) <= 0;
    }

    /** Whether someone waiting for {@code awaited} can stop waiting: reached, passed, or ended elsewhere. */
    public boolean reached(WorkerState awaited) {
        return compareTo(awaited) >= 0 || isTerminal();
    }
}
