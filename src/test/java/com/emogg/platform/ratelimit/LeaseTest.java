package com.emogg.platform.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The arithmetic of one replica's points for one user, and of the shared bucket, without any infrastructure. */
class LeaseTest {

    private static final long SECOND = 1_000_000_000L;
    /** The production defaults: 300 points, 5 a second, 1 a request, leases of 20, a view at most 1 s old. */
    private static final Terms TERMS = new Terms(300, 5, 1, 20, SECOND);

    /** A request waiting for the shared bucket, as a test sees it. */
    private static final class Recorded implements Lease.Waiter {
        Quota quota;
        Throwable failure;

        @Override
        public void answer(Quota quota) {
            this.quota = quota;
        }

        @Override
        public void fail(Throwable failure) {
            this.failure = failure;
        }
    }

    /** A lease that got {@code points} for a first request, the shared bucket holding {@code shared} after it. */
    private static Lease leased(int points, double shared, long now) {
        Lease lease = new Lease("u", TERMS, now);
        Recorded first = new Recorded();
        assertNull(lease.takeOrWait(now, first));
        assertTrue(lease.askNow());
        lease.granted(points, shared, now).answers().forEach(Lease.Answer::give);
        assertTrue(first.quota.allowed());
        return lease;
    }

    @Test
    void aNewLeaseHoldsNothingAndMustAsk() {
        Lease lease = new Lease("u", TERMS, 0);
        assertNull(lease.take(0), "nothing held, nothing known: ask the shared bucket");
        assertEquals(20, lease.wanted(), "a full lease");
        assertTrue(lease.askNow());
        assertFalse(lease.askNow(), "one request for points at a time");
    }

    @Test
    void heldPointsAreSpentWithoutAskingAndTheHeadersCountThem() {
        Lease lease = leased(20, 280, 0);
        assertEquals(19, lease.held());
        // the user has 19 held here and 280 in the shared bucket
        Quota quota = lease.take(0);
        assertTrue(quota.allowed());
        assertEquals(298, quota.remaining());
        assertEquals(1, quota.resetSeconds(), "2 points to full at 5 a second");
        assertEquals("300;w=60", quota.policy());
        for (int i = 0; i < 18; i++) {
            assertTrue(lease.take(0).allowed());
        }
        assertEquals(0, lease.held());
        assertNull(lease.take(0), "nothing held, but the shared bucket has points: ask");
    }

    @Test
    void theViewOfTheSharedBucketRefillsAtItsRateUpToFull() {
        Lease lease = leased(20, 250, 0);
        Quota quota = lease.take(2 * SECOND);
        assertEquals(278, quota.remaining(), "18 held + 250 + 2 s x 5");
        assertEquals(300, (int) lease.take(60 * SECOND).tokens(), "never more than a full bucket");
    }

    @Test
    void anEmptySharedBucketRefusesLocallyUntilItCanHoldARequestAndARefusalTakesNothing() {
        Lease lease = leased(1, 0.2, 0);
        Quota refused = lease.take(0);
        assertFalse(refused.allowed());
        assertEquals(0, refused.remaining());
        assertEquals(1, refused.retryAfterSeconds(), "0.8 points missing at 5 a second");
        assertEquals(60, refused.resetSeconds());
        assertEquals(0, lease.held(), "a refusal takes nothing");
        assertFalse(lease.take(SECOND / 10).allowed(), "0.7 points after 100 ms: still short, no database asked");
        assertNull(lease.take(SECOND / 5), "a point may be there after 160 ms: ask");
    }

    @Test
    void retryAfterIsTheTimeTheMissingPointsTakeToRefill() {
        Terms slow = new Terms(100, 0.5, 1, 10, SECOND);
        Lease lease = new Lease("u", slow, 0);
        lease.takeOrWait(0, new Recorded());
        lease.askNow();
        lease.granted(0, -2, 0);
        Quota refused = lease.take(0);
        assertFalse(refused.allowed());
        assertEquals(6, refused.retryAfterSeconds(), "3 points missing at 0.5 a second");
    }

    @Test
    void pointsAreLeasedAgainInTheBackgroundBeforeTheyRunOut() {
        Lease lease = leased(20, 280, 0);
        for (int held = 19; held > 10; held--) {
            assertTrue(lease.take(0).allowed());
            assertFalse(lease.renewalDue(0), held - 1 + " held: enough");
        }
        assertTrue(lease.take(0).allowed());
        assertEquals(9, lease.held());
        assertTrue(lease.renewalDue(0), "below half a lease");
        assertEquals(11, lease.wanted(), "up to a full lease, never more");
        assertFalse(lease.renewalDue(0), "already asking");
        assertTrue(lease.take(0).allowed(), "the held points go on meanwhile");
        lease.granted(11, 260, 0);
        assertEquals(19, lease.held());
        assertFalse(lease.renewalDue(0));
    }

    @Test
    void anOldViewOfTheSharedBucketIsRefreshedInTheBackground() {
        Lease lease = leased(20, 280, 0);
        assertTrue(lease.take(SECOND / 2).allowed());
        assertFalse(lease.renewalDue(SECOND / 2));
        assertTrue(lease.take(SECOND + 1).allowed());
        assertTrue(lease.renewalDue(SECOND + 1), "older than the sync interval");
        assertEquals(0, lease.wanted(), "17 held: the shared bucket is only read");
        lease.granted(0, 200, SECOND + 2);
        assertEquals(216, lease.take(SECOND + 2).remaining(), "16 held + 200: what another replica took is seen now");
    }

    @Test
    void requestsWaitingBeyondAGrantAreAnsweredInTurnAndTheLastRefusedWhenTheBucketIsEmpty() {
        Lease lease = new Lease("u", TERMS, 0);
        List<Recorded> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorded waiter = new Recorded();
            assertNull(lease.takeOrWait(0, waiter));
            waiting.add(waiter);
        }
        assertTrue(lease.askNow());
        Lease.Settled first = lease.granted(1, 5, 0);
        first.answers().forEach(Lease.Answer::give);
        assertEquals(1, first.answers().size());
        assertTrue(first.askAgain(), "the bucket holds 5: ask again for the others");
        Lease.Settled second = lease.granted(1, 0.5, 0);
        second.answers().forEach(Lease.Answer::give);
        assertFalse(second.askAgain());
        assertTrue(waiting.get(0).quota.allowed());
        assertTrue(waiting.get(1).quota.allowed());
        assertFalse(waiting.get(2).quota.allowed(), "nothing left, the bucket known short");
        assertEquals(0, lease.held());
    }

    @Test
    void whenTheSharedBucketCannotBeAskedTheWaitingRequestsFailAndNoBackgroundLeaseIsTriedForASecond() {
        Lease lease = leased(20, 280, 0);
        while (lease.held() >= 10) {
            lease.take(0);
        }
        assertTrue(lease.renewalDue(0));
        Recorded waiter = new Recorded();
        // the points held still serve
        assertTrue(lease.takeOrWait(0, waiter).allowed());
        RuntimeException away = new RuntimeException("connection refused");
        lease.failed(0).forEach(w -> w.fail(away));
        assertFalse(lease.renewalDue(SECOND / 2), "quiet after a failure");
        assertTrue(lease.renewalDue(SECOND + 1));

        Lease empty = new Lease("u", TERMS, 0);
        Recorded stranded = new Recorded();
        assertNull(empty.takeOrWait(0, stranded));
        empty.askNow();
        empty.failed(0).forEach(w -> w.fail(away));
        assertSame(away, stranded.failure, "a request that needs a lease fails like a statement would (503)");
        assertTrue(empty.askNow(), "and the next one asks again");
    }

    @Test
    void anIdleLeaseIsForgottenWithItsPointsGivenBackAndABusyOneIsKept() {
        Lease lease = leased(20, 280, 0);
        assertEquals(-1, lease.retire(10 * SECOND, 30 * SECOND), "used 10 s ago");
        assertEquals(19, lease.retire(30 * SECOND, 30 * SECOND));
        assertSame(Lease.RETIRED, lease.take(30 * SECOND), "a request looks the user up again");
        assertEquals(0, lease.retire(31 * SECOND, 30 * SECOND), "forgotten once");

        Lease asking = leased(20, 280, 0);
        while (asking.held() >= 10) {
            asking.take(0);
        }
        assertTrue(asking.renewalDue(0));
        assertEquals(-1, asking.retire(60 * SECOND, 30 * SECOND), "a lease under way is kept");
        assertEquals(9, asking.retire(60 * SECOND, 0), "unless shutting down");
        Lease.Settled late = asking.granted(11, 250, 60 * SECOND);
        assertEquals(11, late.givenBack(), "the answer that comes after is given back too");
    }

    @Test
    void aLeaseForOneRequestAsksForItsCostAndKeepsNothing() {
        Lease single = Lease.single("u", TERMS, 0);
        Recorded waiter = new Recorded();
        assertNull(single.takeOrWait(0, waiter));
        assertEquals(1, single.wanted());
        assertTrue(single.askNow());
        Lease.Settled settled = single.granted(1, 299, 0);
        settled.answers().forEach(Lease.Answer::give);
        assertTrue(waiter.quota.allowed());
        assertEquals(0, settled.givenBack());
        assertFalse(single.renewalDue(5 * SECOND), "never leased in the background");
    }

    @Test
    void termsRefillUpToFullAndRefuseNonsense() {
        assertEquals(12.5, TERMS.refilled(10, SECOND / 2), 1e-9);
        assertEquals(300, TERMS.refilled(299, 10 * SECOND), 1e-9);
        assertEquals(10, TERMS.refilled(10, -SECOND), 1e-9, "a clock going back refills nothing");
        assertEquals(10, TERMS.lowWater());
        assertThrows(IllegalArgumentException.class, () -> new Terms(300, 5, 1, 0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new Terms(300, 0, 1, 20, SECOND));
        assertThrows(IllegalArgumentException.class, () -> new Terms(0, 5, 1, 20, SECOND));
    }

    /**
     * The shared bucket's statement ({@link SharedBuckets#LEASE}), in Java: refill for the time
     * since, take back what is given back, grant up to what is asked, at most half of what it holds
     * but at least a request's cost, never more than it holds.
     */
    private static final class SharedBucket {
        double points;
        long at;

        SharedBucket(double points, long at) {
            this.points = points;
            this.at = at;
        }

        int lease(int wanted, int givenBack, long now) {
            double available = Math.min(TERMS.capacity(), TERMS.refilled(points, now - at) + givenBack);
            int cost = TERMS.cost();
            int granted = wanted >= cost && available >= cost
                    ? Math.min(wanted, Math.min((int) Math.floor(available), Math.max(cost, (int) Math.floor(available / 2)))) : 0;
            points = available - granted;
            at = now;
            return granted;
        }
    }

    /**
     * Two replicas hammered at random, their background leases answered at random later, for 20
     * simulated seconds from a full bucket: together they admit no more than the bucket allows
     * (300 + 5/s x 20 s = 400: they held nothing at the start, else a lease each more), and no fewer
     * than that minus what they still hold at the end and what refilled in the last milliseconds.
     */
    @Test
    void twoReplicasTogetherAdmitWhatTheBucketAllowsWithinALeaseEach() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            SharedBucket shared = new SharedBucket(TERMS.capacity(), 0);
            Lease[] replicas = {new Lease("u", TERMS, 0), new Lease("u", TERMS, 0)};
            long[] answerAt = {-1, -1};
            int admitted = 0;
            long end = 20 * SECOND;
            for (long now = 0; now < end; now += random.nextInt(2_000_000)) {
                for (int r = 0; r < 2; r++) {
                    if (answerAt[r] >= 0 && now >= answerAt[r]) {
                        answerAt[r] = -1;
                        Lease.Settled settled = replicas[r].granted(shared.lease(replicas[r].wanted(), 0, now), shared.points, now);
                        settled.answers().forEach(Lease.Answer::give);
                        for (Lease.Answer answer : settled.answers()) {
                            admitted += answer.quota().allowed() ? 1 : 0;
                        }
                        if (settled.askAgain()) {
                            answerAt[r] = now + random.nextInt(3_000_000);
                        }
                    }
                }
                int r = random.nextInt(2);
                Lease lease = replicas[r];
                Recorded waiter = new Recorded();
                Quota quota = lease.takeOrWait(now, waiter);
                if (quota != null) {
                    admitted += quota.allowed() ? 1 : 0;
                    if (quota.allowed() && lease.renewalDue(now)) {
                        answerAt[r] = now + random.nextInt(3_000_000);
                    }
                } else if (lease.askNow()) {
                    answerAt[r] = now + random.nextInt(3_000_000);
                }
            }
            int allowed = TERMS.capacity() + (int) (TERMS.refillPerSecond() * 20);
            int held = replicas[0].held() + replicas[1].held();
            assertTrue(admitted <= allowed, "seed " + seed + ": admitted " + admitted);
            assertTrue(admitted >= allowed - held - 2, "seed " + seed + ": admitted " + admitted + ", held " + held);
        }
    }
}
