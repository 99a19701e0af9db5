package com.emogg.system;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks a schedule's complete history: every HTTP exchange of the clients, the final database
 * (sessions, and every outbox row, published ones included) and every record of the topics read from
 * their beginning. It runs after the schedule quiesced: every active session was stopped, no outbox row
 * is unpublished and every session's worker state is terminal (or the wait gave up, itself a violation).
 *
 * <p>Records the test injected itself (header {@code crash-injected}) are input, not output: they are
 * left out of every check below except the dead-letter one. "Deduped" means the first copy of each
 * {@code ce_id}, in partition order (delivery is at least once; consumers dedupe on {@code ce_id}).
 * A session's "stop event" is its outbox row {@code SessionStopRequested} whose reason is not
 * {@code stop_deadline} (the reconciler's resends of an unconfirmed stop are extra sends of a stop
 * already committed, not stops of their own).
 *
 * <ul>
 * <li><b>I1</b> every committed stop has exactly one outbox event id, delivered at least once: a
 * finished session has exactly one stop event (an active one none), it is marked published, and its
 * id is the {@code ce_id} of a record on {@code session-commands} keyed by the session. Likewise every
 * other outbox row (start commands, resends, every fact) is published and on its topic.</li>
 * <li><b>I2</b> no event for a stop that did not commit: every record of the application on
 * {@code session-commands} and {@code session-events}, every copy, is an outbox row (same id, key, type
 * and body, byte for byte; a tombstone's null value for a row without payload); rows exist only for committed transactions, so a record without one would
 * be an event of a change that rolled back. A stop command or a {@code SessionStopped} fact also needs
 * its session finished in the database.</li>
 * <li><b>I3</b> each session ends in exactly one terminal state: in the database it is
 * {@code finished} with a terminal worker state ({@code stopped}, {@code failed} or {@code lost}); its
 * deduped {@code SessionWorkerStateChanged} facts contain exactly one terminal state, as the last one,
 * equal to the database's; it has exactly one {@code SessionCreated} and one {@code SessionStopped}.</li>
 * <li><b>I4</b> {@code meta.workerState} never moves backwards, in the order
 * pending &lt; starting &lt; working &lt; stopping &lt; stopped|failed|lost: the deduped facts of a
 * session form a chain (each {@code previousWorkerState} is the state before, starting at
 * {@code pending}) that strictly moves forward and stops at its terminal state; and of two responses
 * of the API showing a session, one completed before the other was sent, the later never shows an
 * earlier state (nor another state after a terminal one), and none shows a later state than the final
 * one in the database.</li>
 * <li><b>I5</b> every {@code 200} to a stop is a committed state change: its body is {@code finished},
 * the session's stop event has reason {@code user} and was recorded ({@code requestedAt}) between the
 * request and its response, and no session got two 200s for a stop.</li>
 * <li><b>U</b> every {@code SessionStopRequested} with reason {@code user} on {@code session-commands}
 * belongs to a session the history got exactly one 200 stop for; or none, when one of its stops got no
 * answer or a 5xx (the commit happened, its response was lost).</li>
 * <li><b>T</b> a session is tombstoned once, after its last command, and only once settled: a session
 * with a terminal worker state in the database has exactly one {@code SessionSettled} outbox row (a
 * tombstone: no payload), others none; on {@code session-commands} the session's last record, every
 * copy counted, is a tombstone (nothing of it follows its tombstone, in particular not its stop
 * command), and no record of a session without a tombstone is one.</li>
 * <li><b>H</b> the only 5xx the API may give is a 503, and with {@code Retry-After}.</li>
 * <li><b>C</b> every 201 to a create is a session in the database (no acknowledged create is lost).</li>
 * <li><b>D</b> every poison record the test wrote is on its topic's dead-letter topic.</li>
 * <li><b>Q</b> the run quiesced within its bound (the wait's own verdict, reported by the runner).</li>
 * <li><b>L</b> no session is declared {@code lost} unless a fault made its worker unreachable (killed,
 * cut off) for at least the shortest deadline that ends in {@code lost}, and it was declared so during
 * that window or within a heartbeat deadline after it. (A stop that never reached a worker, a worker
 * that went quiet for no reason, the api's own outages: all violations.)</li>
 * <li><b>X</b> no valid request gets an unexpected 4xx: every request of the clients is valid (their
 * own sessions, valid tokens, well-formed bodies, no rate limit), so the only 4xx allowed is a stop's
 * 400 "not active" for a session that was finished by the time of the answer.</li>
 * <li><b>W</b> each fault let work happen: during its window and in the minute after it, some request
 * was answered 2xx and some event was published.</li>
 * <li><b>O</b> each session's events reach {@code session-commands} and {@code session-events} in
 * order: the first copies of its records follow the outbox's order, and its last record on the
 * (compacted) {@code session-commands} is its last command: no copy of an older event arrives after
 * a newer one, as the sends of a relay that lost its lead would without fencing.</li>
 * </ul>
 * Faults add their own on-the-spot checks (F1..F7).
 */
final class InvariantChecker {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> RANK = Map.of("pending", 0, "starting", 1, "working", 2, "stopping", 3, "stopped", 4,
            "failed", 4, "lost", 4);
    private static final long CLOCK_SLACK_MILLIS = 1000;
    /** A session may be declared lost up to a heartbeat deadline (30 s) after its worker's window, plus the reconciler's period. */
    private static final java.time.Duration LOST_GRACE = java.time.Duration.ofSeconds(45);
    private static final java.time.Duration AFTER_A_FAULT = java.time.Duration.ofSeconds(60);

    /** What the checker found, and counts for the report. */
    static final class Verdict {
        final List<String> violations = new ArrayList<>();
        final Map<String, String> stats = new LinkedHashMap<>();
        final Map<String, Map<String, Integer>> recordsPerTopic = new LinkedHashMap<>();
        /** Per fault: the work done during it and after it. */
        final Map<String, String> work = new LinkedHashMap<>();

        void violation(String invariant, String format, Object... args) {
            if (violations.size() < 10_000) {
                violations.add(invariant + ": " + String.format(format, args));
            }
        }
    }

    private final List<Exchange> history;
    private final DatabaseState db;
    private final Map<String, List<KafkaRecord>> topics;
    private final List<Run.DeadLetterExpectation> deadLetters;
    private final List<FaultRecord> faults;
    private final java.time.Duration lostOnlyAfter;
    private final Verdict verdict = new Verdict();

    private final Map<String, DatabaseState.OutboxRow> outboxById = new HashMap<>();
    private final Map<String, List<DatabaseState.OutboxRow>> outboxBySession = new HashMap<>();
    /** Per topic: the application's records, every copy, in partition order. */
    private final Map<String, List<KafkaRecord>> appRecords = new HashMap<>();
    /** Per topic: the first copy of each ce_id. */
    private final Map<String, List<KafkaRecord>> deduped = new HashMap<>();
    private final Map<String, Set<String>> idsOnTopic = new HashMap<>();
    private final Map<String, List<Exchange>> exchangesBySession = new HashMap<>();

    /**
     * @param faults        what each fault did and when ({@link FaultRecord#unreachable} excuses lost sessions)
     * @param lostOnlyAfter the shortest silence after which the api may declare a session lost
     */
    InvariantChecker(List<Exchange> history, DatabaseState db, Map<String, List<KafkaRecord>> topics,
            List<Run.DeadLetterExpectation> deadLetters, List<FaultRecord> faults, java.time.Duration lostOnlyAfter) {
        this.history = history;
        this.db = db;
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.faults = faults;
        this.lostOnlyAfter = lostOnlyAfter;
    }

    Verdict check() {
        index();
        checkI1();
        checkI2();
        checkI3AndI4Facts();
        checkI4Responses();
        checkI5AndU();
        checkTombstones();
        checkHttp();
        checkDeadLetters();
        checkLost();
        checkClientErrors();
        checkWork();
        checkOrder();
        stats();
        return verdict;
    }

    private void index() {
        for (DatabaseState.OutboxRow row : db.outbox) {
            outboxById.put(row.id(), row);
            outboxBySession.computeIfAbsent(row.sessionId(), id -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<KafkaRecord>> topic : topics.entrySet()) {
            List<KafkaRecord> own = new ArrayList<>();
            List<KafkaRecord> first = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            int injected = 0;
            for (KafkaRecord record : topic.getValue()) {
                if (record.injected()) {
                    injected++;
                    continue;
                }
                own.add(record);
                if (record.ceId() == null || seen.add(record.ceId())) {
                    first.add(record);
                }
            }
            appRecords.put(topic.getKey(), own);
            deduped.put(topic.getKey(), first);
            idsOnTopic.put(topic.getKey(), seen);
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("records", topic.getValue().size());
            counts.put("injected by the test", injected);
            counts.put("distinct ce_id", seen.size());
            counts.put("duplicates", own.size() - first.size());
            verdict.recordsPerTopic.put(topic.getKey(), counts);
        }
        for (Exchange exchange : history) {
            if (exchange.sessionId() != null) {
                exchangesBySession.computeIfAbsent(exchange.sessionId(), id -> new ArrayList<>()).add(exchange);
            }
        }
    }

    private List<DatabaseState.OutboxRow> rows(String session) {
        return outboxBySession.getOrDefault(session, List.of());
    }

    private static JsonNode body(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The session's stop event: its SessionStopRequested rows that are not resends. */
    private List<DatabaseState.OutboxRow> stopEvents(String session) {
        return rows(session).stream().filter(row -> row.type().equals("SessionStopRequested")
                && !"stop_deadline".equals(row.body().path("reason").asText())).toList();
    }

    private void checkI1() {
        for (DatabaseState.SessionRow session : db.sessions.values()) {
            List<DatabaseState.OutboxRow> stops = stopEvents(session.id());
            boolean finished = session.state().equals("finished");
            if (stops.size() != (finished ? 1 : 0)) {
                verdict.violation("I1", "session %s is %s with %d stop events in the outbox", session.id(), session.state(), stops.size());
            }
        }
        for (DatabaseState.OutboxRow row : db.outbox) {
            boolean delivered = idsOnTopic.getOrDefault(row.topic(), Set.of()).contains(row.id());
            if (row.publishedAt() == null || !delivered) {
                verdict.violation("I1", "%s %s of session %s (%s) %s", row.type(), row.id(), row.sessionId(),
                        row.type().equals("SessionStopRequested") ? "reason " + row.body().path("reason").asText() : "fact or command",
                        row.publishedAt() == null ? "was never published" : "is marked published but is not on " + row.topic());
            }
        }
    }

    private void checkI2() {
        for (String topic : List.of(Topics.COMMANDS, Topics.EVENTS)) {
            for (KafkaRecord record : appRecords.getOrDefault(topic, List.of())) {
                DatabaseState.OutboxRow row = record.ceId() == null ? null : outboxById.get(record.ceId());
                if (row == null) {
                    verdict.violation("I2", "%s %s of key %s at %s-%d@%d has no outbox row: an event of a change that never committed",
                            record.ceType(), record.ceId(), record.key(), topic, record.partition(), record.offset());
                    continue;
                }
                if (!row.sessionId().equals(record.key()) || !row.type().equals(record.ceType())
                        || !java.util.Objects.equals(row.payload(), record.value())
                        || !row.topic().equals(topic)) {
                    verdict.violation("I2", "%s %s at %s-%d@%d differs from its outbox row (key, type, body or topic)", record.ceType(),
                            record.ceId(), topic, record.partition(), record.offset());
                }
                if (record.ceType().equals("SessionStopRequested") || record.ceType().equals("SessionStopped")) {
                    DatabaseState.SessionRow session = db.sessions.get(record.key());
                    if (session == null || !session.state().equals("finished")) {
                        verdict.violation("I2", "%s %s for session %s, which is %s in the database", record.ceType(), record.ceId(),
                                record.key(), session == null ? "missing" : session.state());
                    }
                }
            }
        }
    }

    private Map<String, List<JsonNode>> factsBySession(String type) {
        Map<String, List<JsonNode>> facts = new HashMap<>();
        for (KafkaRecord record : deduped.getOrDefault(Topics.EVENTS, List.of())) {
            if (type.equals(record.ceType())) {
                facts.computeIfAbsent(record.key(), id -> new ArrayList<>()).add(body(record.value()));
            }
        }
        return facts;
    }

    private void checkI3AndI4Facts() {
        Map<String, List<JsonNode>> changes = factsBySession("SessionWorkerStateChanged");
        Map<String, List<JsonNode>> created = factsBySession("SessionCreated");
        Map<String, List<JsonNode>> stopped = factsBySession("SessionStopped");
        for (DatabaseState.SessionRow session : db.sessions.values()) {
            String id = session.id();
            boolean terminal = RANK.get(session.workerState()) == 4;
            if (!session.state().equals("finished") || !terminal) {
                verdict.violation("I3", "session %s ended %s with worker state %s", id, session.state(), session.workerState());
            }
            if (created.getOrDefault(id, List.of()).size() != 1) {
                verdict.violation("I3", "session %s has %d SessionCreated facts", id, created.getOrDefault(id, List.of()).size());
            }
            int stops = stopped.getOrDefault(id, List.of()).size();
            if (stops != (session.state().equals("finished") ? 1 : 0)) {
                verdict.violation("I3", "session %s (%s) has %d SessionStopped facts", id, session.state(), stops);
            }
            List<JsonNode> chain = changes.getOrDefault(id, List.of());
            String previous = "pending";
            int terminals = 0;
            for (JsonNode fact : chain) {
                String state = fact.path("workerState").asText();
                String claimedPrevious = fact.path("previousWorkerState").asText();
                if (!RANK.containsKey(state) || RANK.get(previous) == 4 || RANK.get(state) <= RANK.get(previous)
                        || !claimedPrevious.equals(previous)) {
                    verdict.violation("I4", "session %s: worker state fact %s -> %s follows %s", id, claimedPrevious, state, previous);
                }
                if (RANK.getOrDefault(state, 0) == 4) {
                    terminals++;
                }
                previous = RANK.containsKey(state) ? state : previous;
            }
            if (terminal && (terminals != 1 || !previous.equals(session.workerState()))) {
                verdict.violation("I3", "session %s: %d terminal worker state facts, the last fact says %s, the database %s", id, terminals,
                        previous, session.workerState());
            }
        }
    }

    private void checkI4Responses() {
        for (Map.Entry<String, List<Exchange>> entry : exchangesBySession.entrySet()) {
            List<Exchange> seen = entry.getValue().stream().filter(e -> e.workerState() != null && RANK.containsKey(e.workerState())).toList();
            DatabaseState.SessionRow session = db.sessions.get(entry.getKey());
            for (Exchange later : seen) {
                if (session != null && (RANK.get(later.workerState()) > RANK.get(session.workerState())
                        || RANK.get(later.workerState()) == 4 && !later.workerState().equals(session.workerState()))) {
                    verdict.violation("I4", "session %s: %s #%d showed %s, the database ends with %s", entry.getKey(), later.op(), later.seq(),
                            later.workerState(), session.workerState());
                }
                for (Exchange earlier : seen) {
                    if (earlier.endMs() >= later.startMs()) {
                        continue;
                    }
                    int before = RANK.get(earlier.workerState());
                    int after = RANK.get(later.workerState());
                    if (after < before || before == 4 && !earlier.workerState().equals(later.workerState())) {
                        verdict.violation("I4", "session %s: %s #%d showed %s after %s #%d had shown %s", entry.getKey(), later.op(),
                                later.seq(), later.workerState(), earlier.op(), earlier.seq(), earlier.workerState());
                    }
                }
            }
        }
    }

    private void checkI5AndU() {
        Map<String, Integer> wins = new HashMap<>();
        for (Exchange exchange : history) {
            if (!exchange.op().equals("stop") || exchange.status() != 200) {
                continue;
            }
            String id = exchange.sessionId();
            wins.merge(id, 1, Integer::sum);
            List<DatabaseState.OutboxRow> stops = stopEvents(id);
            if (!"finished".equals(exchange.state())) {
                verdict.violation("I5", "stop #%d of %s answered 200 with state %s", exchange.seq(), id, exchange.state());
            }
            if (stops.size() != 1) {
                verdict.violation("I5", "stop #%d of %s answered 200, but the session has %d stop events", exchange.seq(), id, stops.size());
                continue;
            }
            JsonNode stop = stops.get(0).body();
            long requestedAt = java.time.Instant.parse(stop.path("requestedAt").asText()).toEpochMilli();
            if (!stop.path("reason").asText().equals("user") || requestedAt < exchange.startMs() - CLOCK_SLACK_MILLIS
                    || requestedAt > exchange.endMs() + CLOCK_SLACK_MILLIS) {
                verdict.violation("I5", "stop #%d of %s answered 200 between %d and %d, but the committed stop is %s at %d", exchange.seq(), id,
                        exchange.startMs(), exchange.endMs(), stop.path("reason").asText(), requestedAt);
            }
        }
        wins.forEach((id, count) -> {
            if (count > 1) {
                verdict.violation("I5", "session %s got %d 200s to a stop", id, count);
            }
        });
        for (KafkaRecord record : deduped.getOrDefault(Topics.COMMANDS, List.of())) {
            if (!"SessionStopRequested".equals(record.ceType()) || !"user".equals(body(record.value()).path("reason").asText())) {
                continue;
            }
            String id = record.key();
            int count = wins.getOrDefault(id, 0);
            boolean unknown = exchangesBySession.getOrDefault(id, List.of()).stream()
                    .anyMatch(e -> e.op().equals("stop") && e.outcomeUnknown());
            if (count != 1 && !(count == 0 && unknown)) {
                verdict.violation("U", "a user stop of %s is on session-commands; the history has %d 200s to its stops%s", id, count,
                        unknown ? "" : " and no stop without an answer");
            }
        }
    }

    private void checkTombstones() {
        for (DatabaseState.SessionRow session : db.sessions.values()) {
            long tombstones = rows(session.id()).stream().filter(row -> row.type().equals("SessionSettled")).count();
            boolean settled = RANK.get(session.workerState()) == 4;
            if (tombstones != (settled ? 1 : 0)) {
                verdict.violation("T", "session %s (worker state %s) has %d tombstones in the outbox", session.id(), session.workerState(),
                        tombstones);
            }
        }
        Map<String, KafkaRecord> last = new HashMap<>();
        for (KafkaRecord record : appRecords.getOrDefault(Topics.COMMANDS, List.of())) {
            last.put(record.key(), record);
            boolean tombstone = record.value() == null;
            if (tombstone != "SessionSettled".equals(record.ceType())) {
                verdict.violation("T", "%s %s of %s at %d has %s value", record.ceType(), record.ceId(), record.key(), record.offset(),
                        tombstone ? "a null" : "a");
            }
        }
        for (DatabaseState.OutboxRow row : db.outbox) {
            KafkaRecord latest = last.get(row.sessionId());
            if (row.type().equals("SessionSettled") && latest != null && latest.value() != null) {
                verdict.violation("T", "session %s: %s %s follows its tombstone on %s", row.sessionId(), latest.ceType(), latest.ceId(),
                        Topics.COMMANDS);
            }
        }
    }

    private void checkHttp() {
        for (Exchange exchange : history) {
            if (exchange.status() >= 500 && (exchange.status() != 503 || exchange.retryAfter() == null)) {
                verdict.violation("H", "%s #%d on %s (%s) got %d%s: %s", exchange.op(), exchange.seq(), exchange.replica(), exchange.phase(),
                        exchange.status(), exchange.retryAfter() == null ? " without Retry-After" : "", exchange.error());
            }
            if (exchange.op().equals("create") && exchange.status() == 201 && !db.sessions.containsKey(exchange.sessionId())) {
                verdict.violation("C", "create #%d answered 201 with session %s, which is not in the database", exchange.seq(),
                        exchange.sessionId());
            }
        }
    }

    private void checkDeadLetters() {
        for (Run.DeadLetterExpectation expected : deadLetters) {
            boolean found = topics.getOrDefault(expected.topic(), List.of()).stream()
                    .anyMatch(record -> record.value() != null && record.value().contains(expected.marker()));
            if (!found) {
                verdict.violation("D", "the poison record %s is not on %s", expected.marker(), expected.topic());
            }
        }
    }

    private void checkLost() {
        for (KafkaRecord record : deduped.getOrDefault(Topics.EVENTS, List.of())) {
            if (!"SessionWorkerStateChanged".equals(record.ceType())) {
                continue;
            }
            JsonNode fact = body(record.value());
            if (!"lost".equals(fact.path("workerState").asText())) {
                continue;
            }
            java.time.Instant at;
            try {
                at = java.time.Instant.parse(fact.path("at").asText());
            } catch (RuntimeException e) {
                verdict.violation("L", "session %s was declared lost at an unreadable time %s", record.key(), fact.path("at"));
                continue;
            }
            DatabaseState.SessionRow session = db.sessions.get(record.key());
            String worker = session == null ? null : session.workerId();
            boolean excused = worker != null && faults.stream().flatMap(fault -> fault.unreachable.stream())
                    .anyMatch(window -> window.workerId().equals(worker)
                            && java.time.Duration.between(window.from(), window.to()).compareTo(lostOnlyAfter) >= 0
                            && !at.isBefore(window.from()) && !at.isAfter(window.to().plus(LOST_GRACE)));
            if (!excused) {
                verdict.violation("L", "session %s (worker %s) was declared lost at %s (from %s), and no fault had cut its worker off for %d s "
                        + "then", record.key(), worker, at, fact.path("previousWorkerState").asText(), lostOnlyAfter.toSeconds());
            }
        }
    }

    private void checkClientErrors() {
        for (Exchange exchange : history) {
            if (exchange.status() < 400 || exchange.status() >= 500) {
                continue;
            }
            DatabaseState.SessionRow session = exchange.sessionId() == null ? null : db.sessions.get(exchange.sessionId());
            boolean finishedBefore = session != null && session.state().equals("finished") && session.finishedAt() != null
                    && session.finishedAt().toEpochMilli() <= exchange.endMs() + CLOCK_SLACK_MILLIS;
            boolean expected = exchange.op().equals("stop") && exchange.status() == 400 && finishedBefore
                    && String.valueOf(exchange.error()).contains("not active");
            if (!expected) {
                verdict.violation("X", "%s #%d of %s on %s (%s) got %d \"%s\" on a valid request%s", exchange.op(), exchange.seq(),
                        exchange.sessionId(), exchange.replica(), exchange.phase(), exchange.status(), exchange.error(),
                        session == null ? "" : " (the session is " + session.state() + ", finished at " + session.finishedAt() + ")");
            }
        }
    }

    private void checkWork() {
        for (FaultRecord fault : faults) {
            if (fault.ended == null) {
                continue;
            }
            long from = fault.started.toEpochMilli();
            long to = fault.ended.toEpochMilli();
            long after = to + AFTER_A_FAULT.toMillis();
            long answeredDuring = history.stream().filter(e -> e.status() / 100 == 2 && e.startMs() >= from && e.endMs() <= to).count();
            long answeredAfter = history.stream().filter(e -> e.status() / 100 == 2 && e.startMs() > to && e.startMs() <= after).count();
            long publishedDuring = db.outbox.stream().filter(row -> row.publishedAt() != null && row.publishedAt().toEpochMilli() >= from
                    && row.publishedAt().toEpochMilli() <= to).count();
            long publishedAfter = db.outbox.stream().filter(row -> row.publishedAt() != null && row.publishedAt().toEpochMilli() > to
                    && row.publishedAt().toEpochMilli() <= after).count();
            if (answeredDuring == 0 || publishedDuring == 0) {
                verdict.violation("W", "%s let no work happen during it: %d requests answered 2xx, %d events published", fault.id,
                        answeredDuring, publishedDuring);
            }
            if (answeredAfter == 0 || publishedAfter == 0) {
                verdict.violation("W", "%s: no work in the %d s after it: %d requests answered 2xx, %d events published", fault.id,
                        AFTER_A_FAULT.toSeconds(), answeredAfter, publishedAfter);
            }
            verdict.work.put(fault.id, answeredDuring + " answered and " + publishedDuring + " published during, " + answeredAfter
                    + " and " + publishedAfter + " in the minute after");
        }
    }

    private void checkOrder() {
        for (String topic : List.of(Topics.COMMANDS, Topics.EVENTS)) {
            Map<String, Long> lastFirstCopy = new HashMap<>();
            Map<String, DatabaseState.OutboxRow> lastRecord = new HashMap<>();
            Map<String, Long> newest = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (KafkaRecord record : appRecords.getOrDefault(topic, List.of())) {
                DatabaseState.OutboxRow row = record.ceId() == null ? null : outboxById.get(record.ceId());
                if (row == null) {
                    continue; // I2 reports it
                }
                String key = record.key() + "@" + record.partition();
                lastRecord.put(key, row);
                newest.merge(key, row.seq(), Math::max);
                if (seen.add(record.ceId())) {
                    Long before = lastFirstCopy.put(key, row.seq());
                    if (before != null && before > row.seq()) {
                        verdict.violation("O", "session %s on %s: %s (outbox seq %d) arrived after an event recorded later (seq %d)",
                                record.key(), topic, row.type(), row.seq(), before);
                    }
                }
            }
            if (topic.equals(Topics.COMMANDS)) {
                lastRecord.forEach((key, row) -> {
                    if (row.seq() != newest.get(key)) {
                        verdict.violation("O", "session %s: its last record on %s is %s (seq %d), a copy of an older event than its newest "
                                + "(seq %d): compaction would keep the wrong command", row.sessionId(), topic, row.type(), row.seq(),
                                newest.get(key));
                    }
                });
            }
        }
    }

    private void stats() {
        Map<String, Integer> finalStates = new TreeMap<>();
        db.sessions.values().forEach(session -> finalStates.merge(session.workerState(), 1, Integer::sum));
        Map<String, Integer> reasons = new TreeMap<>();
        for (DatabaseState.SessionRow session : db.sessions.values()) {
            stopEvents(session.id()).forEach(row -> reasons.merge(row.body().path("reason").asText(), 1, Integer::sum));
        }
        long resends = db.outbox.stream().filter(row -> row.type().equals("SessionStopRequested")
                && "stop_deadline".equals(row.body().path("reason").asText())).count();
        verdict.stats.put("sessions", Integer.toString(db.sessions.size()));
        verdict.stats.put("final worker states", finalStates.toString());
        verdict.stats.put("stop events by reason", reasons.toString());
        verdict.stats.put("stop resends (stop_deadline)", Long.toString(resends));
        verdict.stats.put("outbox rows", Integer.toString(db.outbox.size()));
        verdict.stats.put("dead-letter expectations", Integer.toString(deadLetters.size()));
    }
}
