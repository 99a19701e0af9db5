package com.emogg.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a worker knows of one {@code session-commands} partition it owns: the last command of each
 * session, which is that session's desired state (the topic is compacted and keyed by session).
 * The rules of taking a partition over live here, free of Kafka, so they are unit-tested alone:
 *
 * <ul>
 * <li>on assignment the partition is replayed from its beginning up to its end at that moment (its
 * last stable offset: committed records only), without acting, only learning each session's last
 * command;</li>
 * <li>a stopped session stays stopped: a start that comes after its stop (a duplicate, a retry)
 * is ignored, during the replay and live;</li>
 * <li>a settled session (its tombstone, {@code SessionSettled}: it reached a terminal worker state)
 * is forgotten, during the replay and live, and a start of it that comes later is ignored too
 * ({@link RecentIds}). Compaction removes a settled session's commands and, after the topic's
 * {@code delete.retention.ms}, its tombstone: the replay reads the sessions that may still run, not
 * the partition's whole history;</li>
 * <li>once caught up, every session whose last command is a start and that has not expired is
 * started, and every stop requested within the confirmation window is confirmed again, since the
 * previous owner may have died before confirming it (the api ignores a second confirmation).</li>
 * </ul>
 */
final class OwnedPartition {

    /** What to do once caught up: start these, confirm these stops again. */
    record Takeover(List<SessionCommand> start, List<SessionCommand> confirm) {
    }

    /** What a live command asks of the worker. */
    enum Action {
        START, STOP, FORGET, IGNORE
    }

    private final long end;
    private boolean caughtUp;
    private final Map<String, SessionCommand> latest = new HashMap<>();
    private final RecentIds settled;

    /**
     * A partition whose records end before {@code end}, the offset of its end when it was assigned;
     * {@code settled} is the worker's memory of settled sessions, shared by its partitions.
     */
    OwnedPartition(long end, boolean empty, RecentIds settled) {
        this.end = end;
        this.caughtUp = empty;
        this.settled = settled;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    /**
     * True when the replay has just ended: the consumer's position (or a record's offset) reached the
     * end the partition had at its assignment. Positions, not the last record's offset: a
     * read_committed consumer never sees a transaction's commit marker, which may be the last offset.
     */
    boolean reached(long position) {
        if (!caughtUp && position >= end) {
            caughtUp = true;
            return true;
        }
        return false;
    }

    /** During the replay: learns the command, acting on nothing. */
    void replayed(SessionCommand command) {
        learn(command);
    }

    /** After the replay: what should run and what to confirm, given what runs already. */
    Takeover takeOver(Instant now, Duration confirmWindow, Predicate<String> running) {
        Instant recent = now.minus(confirmWindow);
        List<SessionCommand> start = new ArrayList<>();
        List<SessionCommand> confirm = new ArrayList<>();
        for (SessionCommand command : latest.values()) {
            if (command.start() && command.expires().isAfter(now) && !running.test(command.sessionId())) {
                start.add(command);
            } else if (!command.start() && command.requestedAt() != null && command.requestedAt().isAfter(recent)) {
                confirm.add(command);
            }
        }
        return new Takeover(start, confirm);
    }

    /** Once caught up: what a new command asks for. */
    Action live(SessionCommand command) {
        if (!learn(command)) {
            return Action.IGNORE;
        }
        return switch (command.kind()) {
            case START -> Action.START;
            case STOP -> Action.STOP;
            case SETTLED -> Action.FORGET;
        };
    }

    /** Sessions known (not settled), for the log. */
    int sessions() {
        return latest.size();
    }

    /**
     * Records the command as its session's last, or forgets the session when it is settled; false
     * for a start of a session already stopped or settled.
     */
    private boolean learn(SessionCommand command) {
        if (command.kind() == SessionCommand.Kind.SETTLED) {
            latest.remove(command.sessionId());
            settled.add(command.sessionId());
            return true;
        }
        SessionCommand previous = latest.get(command.sessionId());
        if (command.start() && (previous != null && !previous.start() || settled.contains(command.sessionId()))) {
            return false;
        }
        latest.put(command.sessionId(), command);
        return true;
    }
}
