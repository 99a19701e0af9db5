package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Fault 6: what a broken or replaying producer writes. On a session a worker runs:
 * <ul>
 * <li>poison records on {@code worker-states} and on {@code session-commands} (a body that is not JSON
 * under CloudEvents headers, and JSON without any CloudEvents header): each must land on the topic's
 * dead-letter topic, checked at the end on {@code worker-states-dlq} / {@code session-commands-dlq};</li>
 * <li>every report of the worker again, same {@code ce_id}, in reverse order (duplicates and
 * reordering), its stale {@code starting} report under a new id, and a {@code starting} report of a
 * foreign worker with a huge {@code seq}: none may move the session's worker state;</li>
 * <li>then a stop through the API: its command and the worker's {@code stopped} report travel the very
 * partitions the poison sits in, so reaching {@code stopped} proves the rest keeps flowing;</li>
 * <li>after that, a newer report (must not touch a terminal state) and the session's start command
 * again, same id and a new one (a stopped session must never be started again: no new
 * {@code starting} report from the workers).</li>
 * </ul>
 * Every injected record carries the {@code crash-injected} header so the history checker never takes
 * it for the application's.
 */
final class PoisonAndDuplicates implements Fault {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "F6";
    }

    @Override
    public boolean needsSettledReports() {
        return true;
    }

    @Override
    public String title() {
        return "duplicated and reordered worker reports; a poison record on each topic";
    }

    @Override
    public void inject(Run run, FaultRecord record) throws Exception {
        ApiClient client = run.client("f6");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, 2, true);
        for (String id : sessions) {
            client.getAsync(client.pick(), user, id, "?wait=working&timeout=30s").join();
        }
        String target = sessions.get(0);
        String[] before = run.db.sessions(List.of(target)).get(target);
        if (!"working".equals(before[1])) {
            run.violation(id(), "session %s is %s, not working, before the injection", target, before[1]);
            return;
        }
        String bootstrap = run.cluster.kafka.bootstrap();
        List<KafkaRecord> reports = own(Topics.readAll(bootstrap, Topics.REPORTS, Duration.ofSeconds(60)), target, "WorkerStateChanged");
        List<KafkaRecord> commands = own(Topics.readAll(bootstrap, Topics.COMMANDS, Duration.ofSeconds(60)), target, null);

        try (Topics.Injector injector = new Topics.Injector(bootstrap)) {
            String[] markers = new String[4];
            for (int i = 0; i < markers.length; i++) {
                markers[i] = "crash-poison-" + UUID.randomUUID();
            }
            injector.send(Topics.REPORTS, target, cloudEvent("WorkerStateChanged", target), markers[0] + " {not json", "poison");
            injector.send(Topics.REPORTS, target, Map.of(), "{\"poison\":\"" + markers[1] + "\"}", "poison");
            injector.send(Topics.COMMANDS, target, cloudEvent("SessionStopRequested", target), markers[2] + " {not json", "poison");
            injector.send(Topics.COMMANDS, target, Map.of(), "{\"poison\":\"" + markers[3] + "\"}", "poison");
            run.deadLetters.add(new Run.DeadLetterExpectation(Topics.REPORTS_DLQ, markers[0]));
            run.deadLetters.add(new Run.DeadLetterExpectation(Topics.REPORTS_DLQ, markers[1]));
            run.deadLetters.add(new Run.DeadLetterExpectation(Topics.COMMANDS_DLQ, markers[2]));
            run.deadLetters.add(new Run.DeadLetterExpectation(Topics.COMMANDS_DLQ, markers[3]));

            List<KafkaRecord> reversed = new ArrayList<>(reports);
            Collections.reverse(reversed);
            for (KafkaRecord report : reversed) {
                injector.send(Topics.REPORTS, target, report.headers(), report.value(), "duplicate");
            }
            int stale = 0;
            for (KafkaRecord report : reports) {
                if ("starting".equals(body(report).path("workerState").asText())) {
                    injector.send(Topics.REPORTS, target, withNewId(report.headers()), report.value(), "stale");
                    stale++;
                }
            }
            injector.send(Topics.REPORTS, target, cloudEvent("WorkerStateChanged", target), report(target, "crash-ghost", "starting",
                    Long.MAX_VALUE / 4), "backwards");
            record.note("session %s (working on %s): 4 poison records, %d duplicated reports in reverse order, %d stale, 1 backwards",
                    target, before[2], reversed.size(), stale);

            Sleep.millis(3000);
            String[] after = run.db.sessions(List.of(target)).get(target);
            if (!"working".equals(after[1]) || !before[2].equals(after[2])) {
                run.violation(id(), "duplicated or stale reports moved session %s from working on %s to %s on %s", target, before[2],
                        after[1], after[2]);
            }

            Exchange stop = client.stop(user, target);
            if (stop.status() != 200) {
                run.violation(id(), "the stop of %s after the poison got %s", target, stop.statusText());
            }
            boolean stopped = Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200),
                    () -> "stopped".equals(run.db.sessions(List.of(target)).get(target)[1]));
            String state = run.db.sessions(List.of(target)).get(target)[1];
            if (stopped) {
                record.note("%s reached stopped after the poison: its partitions keep flowing", target);
            } else {
                run.violation(id(), "session %s is %s, not stopped, 30 s after its stop behind the poison", target, state);
            }

            long startingBefore = startingReports(run, target);
            injector.send(Topics.REPORTS, target, cloudEvent("WorkerStateChanged", target), report(target, before[2], "working",
                    Long.MAX_VALUE / 2), "after-terminal");
            for (KafkaRecord command : commands) {
                if ("SessionStartRequested".equals(command.ceType())) {
                    injector.send(Topics.COMMANDS, target, command.headers(), command.value(), "duplicate");
                    injector.send(Topics.COMMANDS, target, withNewId(command.headers()), command.value(), "start-after-stop");
                }
            }
            Sleep.millis(4000);
            String finalState = run.db.sessions(List.of(target)).get(target)[1];
            if (!finalState.equals(state)) {
                run.violation(id(), "a report after the terminal state moved %s from %s to %s", target, state, finalState);
            }
            long startingAfter = startingReports(run, target);
            if (startingAfter != startingBefore) {
                run.violation(id(), "a worker started the stopped session %s again on a replayed start command", target);
            }
            record.note("a newer report and the start command replayed after the stop changed nothing (%s, no new start)", finalState);
        }
        new StopBurst(run, user, sessions.subList(1, sessions.size()), 1, "f6-stop").run();
    }

    private static long startingReports(Run run, String session) {
        return own(Topics.readAll(run.cluster.kafka.bootstrap(), Topics.REPORTS, Duration.ofSeconds(60)), session, "WorkerStateChanged")
                .stream().filter(report -> "starting".equals(body(report).path("workerState").asText())).count();
    }

    /** The application's records of one session (the injected ones left out), of one CloudEvents type or all. */
    private static List<KafkaRecord> own(List<KafkaRecord> records, String session, String type) {
        return records.stream().filter(r -> session.equals(r.key()) && !r.injected() && (type == null || type.equals(r.ceType()))).toList();
    }

    private static JsonNode body(KafkaRecord record) {
        try {
            return JSON.readTree(record.value());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static Map<String, String> cloudEvent(String type, String session) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_type", type);
        headers.put("ce_source", "/crash-test");
        headers.put("ce_time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        headers.put("ce_subject", session);
        headers.put("content-type", "application/json");
        return headers;
    }

    private static Map<String, String> withNewId(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put("ce_id", UUID.randomUUID().toString());
        copy.put("ce_source", "/crash-test");
        return copy;
    }

    private static String report(String session, String worker, String state, long seq) {
        return "{\"schemaVersion\":1,\"sessionId\":\"" + session + "\",\"workerId\":\"" + worker + "\",\"workerState\":\"" + state
                + "\",\"seq\":" + seq + ",\"at\":\"" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + "\"}";
    }
}
