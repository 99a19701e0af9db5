package com.emogg.platform.ratelimit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What this replica holds of one user's bucket: points leased from the shared bucket in PostgreSQL
 * and not spent yet, and what it last saw of that bucket. A request spends a held point with no
 * database round trip; leasing more happens in the background before the points run out, or, when
 * none are left, while the request waits. The shared bucket never hands out more than it holds, so
 * whatever the replicas spend comes out of the one budget of the user.
 *
 * <p>Only requests of the same user on the same replica share this monitor, and hold it for
 * nanoseconds. Times are {@link System#nanoTime()} values, passed in, so the arithmetic can be
 * tested without a clock.
 */
final class Lease {

    /** The answer of a lease that was forgotten meanwhile: look the user up again. */
    static final Quota RETIRED = new Quota(false, 0, 1, 1, 1);

    /** A request waiting for the shared bucket's answer. */
    interface Waiter {
        void answer(Quota quota);

        void fail(Throwable failure);
    }

    /** An answer to give a waiting request, outside the monitor. */
    record Answer(Waiter waiter, Quota quota) {
        void give() {
            waiter.answer(quota);
        }
    }

    /**
     * What a reply of the shared bucket settled: the answers to give, whether to ask again (requests
     * still wait and the bucket may have points for them), and the points to give back (the lease was
     * forgotten meanwhile).
     */
    record Settled(List<Answer> answers, boolean askAgain, int givenBack) {
    }

    private final String userId;
    private final Terms terms;
    /** Leases exactly one request's cost and is kept nowhere: for users beyond the replica's bound. */
    private final boolean single;

    private int held;
    /** The shared bucket's points after the latest lease, or NaN before the first. */
    private double seen = Double.NaN;
    private long seenAt;
    private long lastUsed;
    /** Not before this, after a failed background lease. */
    private long quietUntil;
    private boolean asking;
    private boolean retired;
    private ArrayDeque<Waiter> waiting;

    Lease(String userId, Terms terms, long now) {
        this(userId, terms, now, false);
    }

    private Lease(String userId, Terms terms, long now, boolean single) {
        this.userId = userId;
        this.terms = terms;
        this.single = single;
        this.lastUsed = now;
        this.quietUntil = now;
    }

    /** A lease for one request of a user this replica keeps nothing for. */
    static Lease single(String userId, Terms terms, long now) {
        return new Lease(userId, terms, now, true);
    }

    String userId() {
        return userId;
    }

    /**
     * Spends one request's cost from the points held: the admitted request's quota; a refusal when
     * the shared bucket is known to lack the points (it refills no faster than its rate since this
     * replica last saw it); null when the shared bucket must be asked; {@link #RETIRED}.
     */
    synchronized Quota take(long now) {
        if (retired) {
            return RETIRED;
        }
        lastUsed = now;
        if (held >= terms.cost()) {
            held -= terms.cost();
            return quota(true, now);
        }
        if (knownShort(now)) {
            return quota(false, now);
        }
        return null;
    }

    /** As {@link #take}, but when the shared bucket must be asked, {@code waiter} waits for its answer (and null is returned). */
    synchronized Quota takeOrWait(long now, Waiter waiter) {
        Quota quota = take(now);
        if (quota == null) {
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            waiting.add(waiter);
        }
        return quota;
    }

    /**
     * True when this replica should lease more in the background now (and it is then asking): the
     * points held run low, or its view of the shared bucket is older than the sync interval.
     */
    synchronized boolean renewalDue(long now) {
        if (asking || retired || single || now - quietUntil < 0) {
            return false;
        }
        if (held < terms.lowWater() || now - seenAt > terms.syncNanos()) {
            asking = true;
            return true;
        }
        return false;
    }

    /** True when the caller must ask the shared bucket for the waiting requests (no request of this lease is under way). */
    synchronized boolean askNow() {
        if (asking) {
            return false;
        }
        asking = true;
        return true;
    }

    /**
     * How many points to ask the shared bucket for: up to a full lease when the points held run low
     * or a request waits; none while enough are held (the view of the shared bucket is only old, and
     * reading it is enough).
     */
    synchronized int wanted() {
        if (single) {
            return terms.cost();
        }
        boolean waited = waiting != null && !waiting.isEmpty();
        return held >= terms.lowWater() && !waited ? 0 : Math.max(terms.cost(), terms.lease() - held);
    }

    /** The shared bucket granted {@code points} and holds {@code shared} after it. */
    synchronized Settled granted(int points, double shared, long now) {
        asking = false;
        held += points;
        seen = shared;
        seenAt = now;
        List<Answer> answers = List.of();
        while (waiting != null && !waiting.isEmpty()) {
            Quota quota;
            if (held >= terms.cost()) {
                held -= terms.cost();
                quota = quota(true, now);
            } else if (knownShort(now)) {
                quota = quota(false, now);
            } else {
                break; // the bucket has points left that this grant did not bring: ask again
            }
            if (answers.isEmpty()) {
                answers = new ArrayList<>();
            }
            answers.add(new Answer(waiting.poll(), quota));
        }
        boolean askAgain = waiting != null && !waiting.isEmpty();
        asking = askAgain;
        int givenBack = 0;
        if ((retired || single) && !askAgain) {
            givenBack = held;
            held = 0;
        }
        return new Settled(answers, askAgain, givenBack);
    }

    /**
     * The shared bucket could not be asked: the waiting requests fail (the database is away), and no
     * background lease is tried for a second.
     */
    synchronized List<Waiter> failed(long now) {
        asking = false;
        quietUntil = now + 1_000_000_000L;
        List<Waiter> failed = waiting == null ? List.of() : new ArrayList<>(waiting);
        waiting = null;
        return failed;
    }

    /**
     * Forgets this lease when no request used it for {@code idleNanos} and none waits: the points held,
     * to give back to the shared bucket; -1 when it is in use. {@code idleNanos} 0 forgets it anyway
     * (shutting down): a lease under way then gives its points back when its answer comes.
     */
    synchronized int retire(long now, long idleNanos) {
        if (retired) {
            return 0;
        }
        if (idleNanos > 0 && (now - lastUsed < idleNanos || asking)) {
            return -1;
        }
        retired = true;
        int givenBack = held;
        held = 0;
        return givenBack;
    }

    /** The user's points as this replica sees them: those it holds and the shared bucket's, refilled since it saw them. */
    private double points(long now) {
        double shared = Double.isNaN(seen) ? 0 : terms.refilled(seen, now - seenAt);
        return Math.min(terms.capacity(), held + shared);
    }

    /** The shared bucket cannot hold enough for one request yet (it refills no faster than its rate). */
    private boolean knownShort(long now) {
        return !Double.isNaN(seen) && points(now) < terms.cost();
    }

    private Quota quota(boolean allowed, long now) {
        return new Quota(allowed, points(now), terms.capacity(), terms.refillPerSecond(), terms.cost());
    }

    // for tests
    synchronized int held() {
        return held;
    }
}
