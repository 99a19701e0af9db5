package com.emogg.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A worker cut off from its group lets its sessions go before the coordinator can give them to another worker. */
class GroupContactTest {

    @Test
    void theSessionsGoBeforeTheCoordinatorCanMoveThem() {
        GroupContact contact = new GroupContact(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(6), contact.letGoAfter());
        assertFalse(contact.lost(-1), "no heartbeat yet: not in a group, nothing to let go");
        assertFalse(contact.lost(0));
        assertFalse(contact.lost(5), "the metric is whole seconds, rounded down: 5 is less than 6");
        assertTrue(contact.lost(6));
        // the coordinator expires the member 10 s after the last heartbeat it received, at most one interval before the last
        // one sent: letting go within 7 s of the last one sent leaves 2 s, and the next owner still has to rejoin and catch up
        assertTrue(contact.letGoAfter().plusSeconds(1).plusSeconds(1).compareTo(Duration.ofSeconds(10)) < 0);
    }

    @Test
    void theConsumersOwnSettingsOrKafkasDefaults() {
        assertEquals(Duration.ofSeconds(33), GroupContact.of(Map.of()).letGoAfter(), "45 s session timeout, 3 s heartbeats");
        assertEquals(Duration.ofSeconds(6), GroupContact.of(Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", 1000))
                .letGoAfter());
        assertEquals(Duration.ofSeconds(2), new GroupContact(Duration.ofSeconds(3), Duration.ofSeconds(1)).letGoAfter(),
                "never sooner than two heartbeats");
    }
}
