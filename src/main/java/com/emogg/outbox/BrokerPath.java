package com.emogg.outbox;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether this relay can publish, from what its own attempts did: the rule by which a leader cut off
 * from the broker (but not from PostgreSQL, which keeps its lock) gives the lead up to a replica that
 * may reach it, and stays out until it reaches a broker again.
 *
 * <p>A streak of failed attempts starts when the first of them started; any transaction the broker
 * commits ends it. A leader whose streak has lasted {@code limit} gives up. An idle leader has no
 * attempts and keeps the lead: it finds out with the first event it cannot publish. Pure, so the rule
 * is tested without a broker.
 */
final class BrokerPath {

    private final Duration limit;
    private Instant failingSince;
    private boolean gaveUp;

    BrokerPath(Duration limit) {
        this.limit = limit;
    }

    /** The broker committed a transaction of ours: the path works. */
    void published() {
        failingSince = null;
    }

    /** An attempt that started at {@code started} failed on the broker's side (a send, a commit, opening the publication). */
    void failed(Instant started) {
        if (failingSince == null || started.isBefore(failingSince)) {
            failingSince = started;
        }
    }

    /** True when the lead must be given up now: the broker has taken nothing of ours for {@code limit}. */
    boolean giveUp(Instant now) {
        if (failingSince != null && !now.isBefore(failingSince.plus(limit))) {
            failingSince = null;
            gaveUp = true;
            return true;
        }
        return false;
    }

    /** True while this relay must not take the lead again: it gave it up and no broker has answered it since. */
    boolean stayOut() {
        return gaveUp;
    }

    /** A broker answered this relay again: it may lead. */
    void answered() {
        gaveUp = false;
    }

    /** A new lead starts with a clean slate. */
    void newLead() {
        failingSince = null;
    }
}
