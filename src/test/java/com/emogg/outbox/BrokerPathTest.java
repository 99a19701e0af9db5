package com.emogg.outbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The rule by which a relay leader that cannot reach the broker gives the lead up, and when it may lead again. */
class BrokerPathTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void aLeaderWhoseEventsTheBrokerTakesNoneOfForTheLimitGivesUp() {
        BrokerPath path = new BrokerPath(Duration.ofSeconds(15));
        path.failed(T);
        assertFalse(path.giveUp(T.plusSeconds(8)), "one commit timed out after 8 s");
        path.failed(T.plusSeconds(8));
        assertFalse(path.giveUp(T.plusSeconds(14)));
        assertTrue(path.giveUp(T.plusSeconds(16)), "the streak counts from the start of the first failed attempt");
        assertTrue(path.stayOut(), "it stays out");
        assertFalse(path.giveUp(T.plusSeconds(17)), "once");
        path.answered();
        assertFalse(path.stayOut(), "until a broker answers it");
    }

    @Test
    void anyCommitEndsTheStreak() {
        BrokerPath path = new BrokerPath(Duration.ofSeconds(15));
        path.failed(T);
        path.published();
        path.failed(T.plusSeconds(10));
        assertFalse(path.giveUp(T.plusSeconds(20)), "10 s of failures since the last commit");
        assertTrue(path.giveUp(T.plusSeconds(25)));
    }

    @Test
    void anIdleLeaderAndANewLeadKeepTheLead() {
        BrokerPath path = new BrokerPath(Duration.ofSeconds(15));
        assertFalse(path.giveUp(T.plusSeconds(3600)), "nothing attempted, nothing to give up for");
        path.failed(T);
        path.newLead();
        assertFalse(path.giveUp(T.plusSeconds(60)), "a new lead starts with a clean slate");
    }
}
