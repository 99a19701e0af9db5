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
        assertFalse(contact.lost(Duration.ZERO));
        assertFalse(contact.lost(Duration.ofMillis(5999)));
        assertTrue(contact.lost(Duration.ofSeconds(6)));
        assertEquals(Duration.ofSeconds(1), contact.askEvery(), "asked every heartbeat interval");
        // the coordinator expires the member 10 s after the last heartbeat it received, at most one interval before the last
        // question it answered: letting go 6 s after that question leaves 3 s, and the next owner still has to rejoin and catch up
        assertTrue(contact.letGoAfter().plus(contact.askEvery()).compareTo(Duration.ofSeconds(10)) < 0);
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
