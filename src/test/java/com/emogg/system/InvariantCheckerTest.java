package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * The history checker of the crash matrix must be able to fail: a clean history passes, and each kind
 * of broken history is caught by the invariant that names it. (A checker that never fails would make
 * the matrix's "violations: 0" worthless.)
 */
class InvariantCheckerTest {

    private static final String SESSION = "6b08670faa68f5285efc878d";
    private static final String USER = "6b08670eaa68f5285efc8788";
    private static final Instant T = Instant.parse("2026-11-26T17:06:23.094Z");

    /** One session created, stopped by its user (200), stopped by its worker, tombstoned; everything published once. */
    private static final class World {
        final List<Exchange> history = new ArrayList<>();
        final DatabaseState db = new DatabaseState();
        final Map<String, List<KafkaRecord>> topics = new LinkedHashMap<>();
        final List<Run.DeadLetterExpectation> deadLetters = new ArrayList<>();
        final List<FaultRecord> faults = new ArrayList<>();
        long seq;

        World() {
            Topics.ALL.forEach(topic -> topics.put(topic, new ArrayList<>()));
            db.sessions.put(SESSION, new DatabaseState.SessionRow(SESSION, USER, "finished", "stopped", "w1", T, T.plusSeconds(5), 1));
            row("commands", "SessionStartRequested", "{\"sessionId\":\"" + SESSION + "\"}");
            row("events", "SessionCreated", "{\"sessionId\":\"" + SESSION + "\"}");
            row("commands", "SessionStopRequested", "{\"reason\":\"user\",\"requestedAt\":\"" + T.plusSeconds(5) + "\"}");
            row("events", "SessionStopped", "{\"reason\":\"user\"}");
            row("events", "SessionWorkerStateChanged", "{\"workerState\":\"stopping\",\"previousWorkerState\":\"pending\"}");
            row("events", "SessionWorkerStateChanged", "{\"workerState\":\"stopped\",\"previousWorkerState\":\"stopping\"}");
            row("commands", "SessionSettled", null);
            exchange("create", 201, T.toEpochMilli() - 20, T.toEpochMilli(), "active", "pending");
            exchange("stop", 200, T.plusSeconds(5).toEpochMilli() - 20, T.plusSeconds(5).toEpochMilli() + 20, "finished", "stopping");
        }

        void row(String stream, String type, String payload) {
            String id = UUID.randomUUID().toString();
            DatabaseState.OutboxRow row = new DatabaseState.OutboxRow(++seq, id, SESSION, stream, type, payload, T, T);
            db.outbox.add(row);
            record(row.topic(), id, type, payload);
        }

        void record(String topic, String id, String type, String payload) {
            List<KafkaRecord> records = topics.get(topic);
            records.add(new KafkaRecord(topic, 0, records.size(), SESSION, payload, Map.of("ce_id", id, "ce_type", type)));
        }

        void exchange(String op, int status, long start, long end, String state, String workerState) {
            history.add(new Exchange(history.size() + 1, "c", op, "api-1", USER, SESSION, start, end, status, null, state, workerState,
                    status == 503 ? "2" : null, "load"));
        }

        /** A fault from {@code from} to {@code to} seconds after T, during which the session was created and published. */
        FaultRecord fault(String id, int from, int to) {
            FaultRecord fault = new FaultRecord(id, "a fault", T.plusSeconds(from));
            fault.ended = T.plusSeconds(to);
            faults.add(fault);
            return fault;
        }

        void lost(Instant at) {
            db.sessions.put(SESSION, new DatabaseState.SessionRow(SESSION, USER, "finished", "lost", "w1", T, T.plusSeconds(5), 1));
            db.outbox.removeIf(row -> row.payload() != null && row.payload().contains("\"stopped\""));
            topics.get(Topics.EVENTS).removeIf(record -> record.value().contains("\"stopped\""));
            row("events", "SessionWorkerStateChanged", "{\"workerState\":\"lost\",\"previousWorkerState\":\"stopping\",\"at\":\"" + at
                    + "\"}");
        }

        List<String> violations() {
            return new InvariantChecker(history, db, topics, deadLetters, faults, Duration.ofSeconds(15)).check().violations;
        }
    }

    private static void caught(String invariant, Consumer<World> breakIt) {
        World world = new World();
        breakIt.accept(world);
        List<String> violations = world.violations();
        assertTrue(violations.stream().anyMatch(v -> v.startsWith(invariant + ":")), invariant + " not caught: " + violations);
    }

    @Test
    void aCleanHistoryPasses() {
        assertEquals(List.of(), new World().violations());
    }

    @Test
    void duplicatesAreFine() {
        World world = new World();
        // a relay that sends a stop again sends again what followed it: the tombstone
        List<KafkaRecord> commands = world.topics.get(Topics.COMMANDS);
        for (KafkaRecord again : List.copyOf(commands.subList(1, 3))) {
            commands.add(new KafkaRecord(Topics.COMMANDS, 0, commands.size(), SESSION, again.value(), again.headers()));
        }
        assertEquals(List.of(), world.violations());
    }

    @Test
    void eachBrokenHistoryIsCaught() {
        caught("I1", w -> w.topics.get(Topics.COMMANDS).remove(1)); // a committed stop never delivered
        caught("I1", w -> w.row("commands", "SessionStopRequested", "{\"reason\":\"expired\",\"requestedAt\":\"" + T + "\"}"));
        caught("I2", w -> w.record(Topics.COMMANDS, UUID.randomUUID().toString(), "SessionStopRequested", "{\"reason\":\"user\"}"));
        caught("I3", w -> w.db.sessions.put(SESSION, new DatabaseState.SessionRow(SESSION, USER, "finished", "stopping", "w1", T, T, 1)));
        caught("I3", w -> w.row("events", "SessionWorkerStateChanged", "{\"workerState\":\"lost\",\"previousWorkerState\":\"stopped\"}"));
        caught("I4", w -> w.row("events", "SessionWorkerStateChanged", "{\"workerState\":\"working\",\"previousWorkerState\":\"stopped\"}"));
        caught("I4", w -> w.exchange("get", 200, T.plusSeconds(9).toEpochMilli(), T.plusSeconds(9).toEpochMilli(), "finished", "working"));
        caught("I5", w -> w.exchange("stop", 200, T.plusSeconds(9).toEpochMilli(), T.plusSeconds(9).toEpochMilli(), "finished", "stopped"));
        caught("U", w -> w.history.remove(1)); // a user stop on the topic that no client got a 200 for
        caught("H", w -> w.exchange("get", 500, 0, 1, null, null));
        caught("H", w -> w.history.add(new Exchange(99, "c", "get", "api-1", USER, SESSION, 0, 1, 503, null, null, null, null, "load")));
        caught("C", w -> w.history.add(new Exchange(99, "c", "create", "api-1", USER, "6b0867000000000000000000", 0, 1, 201, null,
                "active", "pending", null, "load")));
        caught("D", w -> w.deadLetters.add(new Run.DeadLetterExpectation(Topics.REPORTS_DLQ, "crash-poison-x")));
        caught("T", w -> w.db.outbox.removeIf(row -> row.type().equals("SessionSettled"))); // a settled session never tombstoned
        caught("T", w -> w.row("commands", "SessionSettled", null)); // tombstoned twice
        caught("T", w -> { // the tombstone published before the stop
            List<KafkaRecord> commands = w.topics.get(Topics.COMMANDS);
            commands.add(1, commands.remove(commands.size() - 1));
        });
        caught("T", w -> w.db.sessions.put(SESSION, new DatabaseState.SessionRow(SESSION, USER, "finished", "stopping", "w1", T, T, 1)));
        caught("T", w -> w.record(Topics.COMMANDS, w.db.outbox.get(0).id(), "SessionStartRequested", null)); // a start without its body
    }

    @Test
    void aSessionIsLostOnlyWhenAFaultCutItsWorkerOffPastTheDeadline() {
        caught("L", w -> w.lost(T.plusSeconds(40))); // nothing cut w1 off: a stop that never reached a worker, say
        caught("L", w -> {
            w.lost(T.plusSeconds(40));
            w.fault("F13", 20, 30).unreachable("w1", T.plusSeconds(20), T.plusSeconds(30)); // 10 s: shorter than the deadline
        });
        caught("L", w -> {
            w.lost(T.plusSeconds(40));
            w.fault("F13", 20, 40).unreachable("w2", T.plusSeconds(20), T.plusSeconds(40)); // another worker
        });
        World excused = new World();
        excused.lost(T.plusSeconds(40));
        excused.fault("F4", 0, 30).unreachable("w1", T.plusSeconds(20), T.plusSeconds(40));
        assertTrue(excused.violations().stream().noneMatch(v -> v.startsWith("L:")), excused.violations().toString());
    }

    @Test
    void aValidRequestGetsNoUnexpectedClientError() {
        caught("X", w -> w.exchange("get", 404, T.plusSeconds(9).toEpochMilli(), T.plusSeconds(9).toEpochMilli(), null, null));
        caught("X", w -> w.exchange("stop", 401, T.plusSeconds(9).toEpochMilli(), T.plusSeconds(9).toEpochMilli(), null, null));
        // a 400 "not active" for a session that was still active when the answer came
        caught("X", w -> w.history.add(new Exchange(99, "c", "stop", "api-1", USER, SESSION, T.toEpochMilli() + 100, T.toEpochMilli() + 200,
                400, "The session is not active", null, null, null, "load")));
        World world = new World();
        world.history.add(new Exchange(99, "c", "stop", "api-1", USER, SESSION, T.plusSeconds(6).toEpochMilli(),
                T.plusSeconds(6).toEpochMilli(), 400, "The session is not active", null, null, null, "load"));
        assertEquals(List.of(), world.violations(), "a second stop after the first finished it");
    }

    @Test
    void eachFaultLetsWorkHappenDuringAndAfterIt() {
        caught("W", w -> w.fault("F9", 20, 30)); // nothing answered, nothing published during it, nor after
        caught("W", w -> w.fault("F9", 4, 6)); // the stop answered and its events published during it, nothing after
        World world = new World();
        world.fault("F9", -1, 6); // the create, the stop and every publication within it
        world.exchange("get", 200, T.plusSeconds(20).toEpochMilli(), T.plusSeconds(20).toEpochMilli(), "finished", "stopped");
        DatabaseState.OutboxRow late = new DatabaseState.OutboxRow(++world.seq, UUID.randomUUID().toString(), SESSION, "events",
                "SessionRenamed", "{}", T.plusSeconds(20), T.plusSeconds(20));
        world.db.outbox.add(late);
        world.record(late.topic(), late.id(), late.type(), late.payload());
        assertTrue(world.violations().stream().noneMatch(v -> v.startsWith("W:")), world.violations().toString());
    }

    @Test
    void aSessionsEventsArriveInOrderAndAnOldCopyNeverLast() {
        // a copy of the start command after the stop: what a relay that lost its lead would send without fencing
        caught("O", w -> {
            KafkaRecord start = w.topics.get(Topics.COMMANDS).get(0);
            w.topics.get(Topics.COMMANDS).add(new KafkaRecord(Topics.COMMANDS, 0, 9, SESSION, start.value(), start.headers()));
        });
        caught("O", w -> java.util.Collections.swap(w.topics.get(Topics.EVENTS), 1, 2)); // a session's facts out of order
        World resent = new World();
        List<KafkaRecord> commands = resent.topics.get(Topics.COMMANDS);
        for (KafkaRecord first : List.copyOf(commands)) {
            commands.add(new KafkaRecord(Topics.COMMANDS, 0, commands.size(), SESSION, first.value(), first.headers()));
        }
        assertEquals(List.of(), resent.violations(), "all again, in order (the tombstone last): a relay whose marks were lost");
    }

    @Test
    void aStopWithoutAnAnswerMayHaveCommitted() {
        World world = new World();
        Exchange won = world.history.remove(1);
        world.history.add(new Exchange(won.seq(), "c", "stop", "api-1", USER, SESSION, won.startMs(), won.endMs(), -1, "reset", null, null,
                null, "F1"));
        assertEquals(List.of(), world.violations());
    }
}
