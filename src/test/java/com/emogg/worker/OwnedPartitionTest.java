package com.emogg.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** How a worker takes a partition over, without Kafka: the rules of {@link OwnedPartition}. */
class OwnedPartitionTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private int ids;

    private SessionCommand start(String session) {
        return new SessionCommand("e" + ids++, SessionCommand.Kind.START, session, URI.create("rtsp://cam.test/" + session), false,
                NOW.plusSeconds(3600),
                NOW.minusSeconds(600));
    }

    private SessionCommand stop(String session, Instant requestedAt) {
        return new SessionCommand("e" + ids++, SessionCommand.Kind.STOP, session, null, true, null, requestedAt);
    }

    /** A tombstone, as a worker reads one: no body, so nothing but the session (the key) and maybe its ce_id. */
    private SessionCommand settled(String session) {
        return new SessionCommand("e" + ids++, SessionCommand.Kind.SETTLED, session, null, false, null, null);
    }

    private static OwnedPartition partition(long end, boolean empty) {
        return new OwnedPartition(end, empty, new RecentIds(1000));
    }

    private static List<String> sessions(List<SessionCommand> commands) {
        return commands.stream().map(SessionCommand::sessionId).sorted().toList();
    }

    @Test
    void theReplayEndsAtThePartitionsEndAsItWasAtAssignment() {
        OwnedPartition partition = partition(3, false);
        assertFalse(partition.caughtUp());
        assertFalse(partition.reached(1));
        assertFalse(partition.reached(2), "a commit marker may be the last offset: the position decides, not the last record");
        assertTrue(partition.reached(3), "the position at the end ends the replay");
        assertTrue(partition.caughtUp());
        assertFalse(partition.reached(4), "only once");
        assertTrue(partition(0, true).caughtUp(), "nothing to replay");
    }

    @Test
    void aNewOwnerStartsWhatShouldRunAndNothingStopped() {
        OwnedPartition partition = partition(10, false);
        partition.replayed(start("running"));
        partition.replayed(start("stopped"));
        partition.replayed(stop("stopped", NOW.minusSeconds(3600)));
        partition.replayed(start("stopped")); // a duplicate start after the stop
        partition.replayed(start("already-here"));
        SessionCommand expired = new SessionCommand("e" + ids++, SessionCommand.Kind.START, "expired", URI.create("rtsp://cam.test/x"), false,
                NOW.minusSeconds(1), NOW.minusSeconds(7200));
        partition.replayed(expired);

        OwnedPartition.Takeover takeover = partition.takeOver(NOW, WINDOW, Set.of("already-here")::contains);
        assertEquals(List.of("running"), sessions(takeover.start()));
        assertEquals(List.of(), sessions(takeover.confirm()), "an old stop is not confirmed again");
        assertEquals(4, partition.sessions());
    }

    @Test
    void aNewOwnerConfirmsAgainTheStopsItsPredecessorMayNotHaveLivedToConfirm() {
        OwnedPartition partition = partition(10, false);
        partition.replayed(start("recent"));
        partition.replayed(stop("recent", NOW.minusSeconds(30)));
        partition.replayed(start("old"));
        partition.replayed(stop("old", NOW.minus(WINDOW).minusSeconds(1)));
        partition.replayed(stop("unknown-time", null));

        OwnedPartition.Takeover takeover = partition.takeOver(NOW, WINDOW, session -> false);
        assertEquals(List.of("recent"), sessions(takeover.confirm()));
        assertEquals(List.of(), takeover.start());
    }

    @Test
    void liveAStopStopsAndALaterStartOfTheSameSessionIsIgnored() {
        OwnedPartition partition = partition(0, true);
        assertEquals(OwnedPartition.Action.START, partition.live(start("s")));
        assertEquals(OwnedPartition.Action.START, partition.live(start("s")), "a repeated start: the worker checks what runs");
        assertEquals(OwnedPartition.Action.STOP, partition.live(stop("s", NOW)));
        assertEquals(OwnedPartition.Action.IGNORE, partition.live(start("s")));
        assertEquals(OwnedPartition.Action.STOP, partition.live(stop("s", NOW)), "a repeated stop is confirmed again");
        assertEquals(OwnedPartition.Action.STOP, partition.live(stop("never-started", NOW)));
    }

    @Test
    void aSettledSessionIsForgottenDuringTheReplayAndNeverStartedAgain() {
        OwnedPartition partition = partition(10, false);
        partition.replayed(start("settled"));
        partition.replayed(stop("settled", NOW.minusSeconds(10)));
        partition.replayed(settled("settled"));
        partition.replayed(start("settled")); // a start sent again after the tombstone
        partition.replayed(settled("compacted")); // compaction left only the tombstone
        partition.replayed(start("running"));
        partition.replayed(start("stopping"));
        partition.replayed(stop("stopping", NOW.minusSeconds(10)));

        OwnedPartition.Takeover takeover = partition.takeOver(NOW, WINDOW, session -> false);
        assertEquals(List.of("running"), sessions(takeover.start()));
        assertEquals(List.of("stopping"), sessions(takeover.confirm()), "a settled stop needs no confirmation: the api settled it");
        assertEquals(2, partition.sessions(), "settled sessions are not kept");
    }

    @Test
    void liveATombstoneForgetsTheSessionAndALaterStartOfItIsIgnored() {
        RecentIds settled = new RecentIds(1000);
        OwnedPartition partition = new OwnedPartition(0, true, settled);
        assertEquals(OwnedPartition.Action.START, partition.live(start("s")));
        assertEquals(OwnedPartition.Action.STOP, partition.live(stop("s", NOW)));
        assertEquals(OwnedPartition.Action.FORGET, partition.live(settled("s")));
        assertEquals(0, partition.sessions());
        assertEquals(OwnedPartition.Action.IGNORE, partition.live(start("s")));
        // another partition of the same worker, assigned later, remembers it too
        OwnedPartition another = new OwnedPartition(0, true, settled);
        assertEquals(OwnedPartition.Action.IGNORE, another.live(start("s")));
        assertEquals(OwnedPartition.Action.FORGET, partition.live(settled("never-seen")), "a tombstone of an unknown session is harmless");
    }

    @Test
    void theMemoryOfRecentIdsIsBounded() {
        RecentIds settled = new RecentIds(2);
        settled.add("a");
        settled.add("b");
        settled.add("c");
        assertFalse(settled.contains("a"));
        assertTrue(settled.contains("b") && settled.contains("c"));
    }
}
