package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

        List<String> violations() {
            return new InvariantChecker(history, db, topics, deadLetters).check().violations;
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
    void aStopWithoutAnAnswerMayHaveCommitted() {
        World world = new World();
        Exchange won = world.history.remove(1);
        world.history.add(new Exchange(won.seq(), "c", "stop", "api-1", USER, SESSION, won.startMs(), won.endMs(), -1, "reset", null, null,
                null, "F1"));
        assertEquals(List.of(), world.violations());
    }
}
