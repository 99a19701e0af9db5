package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Fault 13 (issue 17, 4c): a worker running sessions cut off from every Kafka node (it still runs,
 * and so do its sessions' analyses, unless it stops them). The group coordinator expires it after the
 * 10 s session timeout and gives its partitions to the other worker, which must resume every one of
 * its sessions; the cut-off worker must stop its own copies first: within {@link #STOP_BOUND} of the
 * cut (it lets go 6 s after its last heartbeat), and before the other worker started any of them. No
 * session may end lost, failed or finished on the way. Then the network heals and the worker rejoins.
 */
final class WorkerCutFromKafka implements Fault {

    /** The worker lets go 6 s after its last heartbeat (session timeout 10 s - 4 x 1 s), within a second, plus the poll loop. */
    static final Duration STOP_BOUND = Duration.ofSeconds(9);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "F13";
    }

    @Override
    public String title() {
        return "a worker running sessions cut off from Kafka: the other resumes them, the cut-off one stops its copies first";
    }

    @Override
    public boolean needsPartitions() {
        return true;
    }

    @Override
    public boolean needsSettledReports() {
        return true;
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f13");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.workerSessions(), true);
        List<CompletableFuture<Exchange>> waits = new ArrayList<>();
        for (String id : sessions) {
            waits.add(client.getAsync(client.pick(), user, id, "?wait=working&timeout=30s"));
        }
        waits.forEach(CompletableFuture::join);
        Map<String, String[]> rows = run.db.sessions(sessions);
        Map<String, Integer> perWorker = new LinkedHashMap<>();
        rows.values().stream().filter(row -> "working".equals(row[1])).forEach(row -> perWorker.merge(row[2], 1, Integer::sum));
        if (perWorker.isEmpty()) {
            run.violation(id(), "no session is working: nothing to take over");
            return;
        }
        List<String> owners = new ArrayList<>(perWorker.keySet());
        Collections.shuffle(owners, run.random);
        owners.sort((a, b) -> perWorker.get(b) - perWorker.get(a));
        AppProcess victim = run.cluster.worker(owners.get(0));
        AppProcess survivor = run.cluster.workers.stream().filter(worker -> worker != victim).findFirst().orElseThrow();
        List<String> owned = rows.entrySet().stream().filter(row -> victim.workerId().equals(row.getValue()[2])
                && "working".equals(row.getValue()[1])).map(Map.Entry::getKey).toList();
        int runningBefore = victim.runningSessions();

        Instant from = Instant.now();
        List<Network.Cut> cuts = new ArrayList<>();
        run.cluster.kafka.brokers.forEach(broker -> cuts.add(run.cluster.network.cut(victim.host, broker.host)));
        record.note("%s cut off from the 3 Kafka nodes while running %d sessions (%d of this fault's %d)", victim, runningBefore, owned.size(),
                sessions.size());
        Instant stopped = null;
        Instant resumed = null;
        Duration hold = run.settings.partition();
        while (Duration.between(from, Instant.now()).compareTo(Duration.ofSeconds(90)) < 0
                && (stopped == null || resumed == null || Duration.between(from, Instant.now()).compareTo(hold) < 0)) {
            if (stopped == null && victim.runningSessions() == 0) {
                stopped = Instant.now();
            }
            if (resumed == null && run.db.sessions(owned).values().stream()
                    .allMatch(row -> row[0].equals("active") && row[1].equals("working") && survivor.workerId().equals(row[2]))) {
                resumed = Instant.now();
            }
            Sleep.millis(200);
        }
        cuts.forEach(Network.Cut::heal);
        Instant healed = Instant.now();
        record.unreachable(victim.workerId(), from, healed);
        Instant firstStart = firstStartBy(run, survivor.workerId(), owned, from);
        if (stopped == null) {
            run.violation(id(), "%s still ran sessions %s after it was cut off", victim, Log.seconds(Duration.between(from, healed)));
        } else {
            record.note("%s stopped its copies %s after the cut", victim, Log.seconds(Duration.between(from, stopped)));
            if (Duration.between(from, stopped).compareTo(STOP_BOUND) > 0) {
                run.violation(id(), "%s stopped its copies %s after the cut, not within %s", victim, Log.seconds(Duration.between(from,
                        stopped)), Log.seconds(STOP_BOUND));
            }
        }
        if (firstStart != null && (stopped == null || !firstStart.isAfter(stopped.plusMillis(250)))) {
            // the poll that saw 0 sessions may be up to 200 ms late: only a start clearly before it is two workers at once
            if (stopped == null || firstStart.isBefore(stopped.minusMillis(250))) {
                run.violation(id(), "%s started a session of %s at +%s, while %s still ran its copies (stopped %s)", survivor, victim,
                        Log.seconds(Duration.between(from, firstStart)), victim,
                        stopped == null ? "never" : "+" + Log.seconds(Duration.between(from, stopped)));
            }
        }
        if (resumed == null) {
            run.db.sessions(owned).forEach((id, row) -> {
                if (!(row[0].equals("active") && row[1].equals("working") && survivor.workerId().equals(row[2]))) {
                    run.violation(id(), "session %s of the cut-off worker is %s/%s on %s, not resumed by %s", id, row[0], row[1], row[2],
                            survivor);
                }
            });
        } else {
            record.note("%s resumed all %d sessions %s after the cut (first start +%s)", survivor, owned.size(),
                    Log.seconds(Duration.between(from, resumed)), firstStart == null ? "?" : Log.seconds(Duration.between(from, firstStart)));
        }
        record.note("healed after %s", Log.seconds(Duration.between(from, healed)));
        boolean rejoined = Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(500), () -> victim.status("/q/health/ready") == 200);
        record.note(rejoined ? "%s is in its group again %s after the heal" : "%s not ready 60 s after the heal", victim, Log.since(healed));
        if (!rejoined) {
            run.violation(id(), "%s did not rejoin its group within 60 s of the heal", victim);
        }
        Sleep.millis(3000);
        run.db.sessions(owned).forEach((id, row) -> {
            if (!row[0].equals("active")) {
                run.violation(id(), "session %s is %s/%s after %s rejoined", id, row[0], row[1], victim);
            }
        });
        new StopBurst(run, user, sessions, 2, "f13-stop").run();
        record.figure("recovered", resumed == null ? "-" : "all " + owned.size() + " sessions working on " + survivor + " "
                + Log.seconds(Duration.between(from, resumed)) + " after the cut; the cut-off worker stopped its copies "
                + (stopped == null ? "never" : Log.seconds(Duration.between(from, stopped)) + " after the cut"));
        record.figure("events delayed", "none (no event of the api waits for a worker)");
        record.figure("sessions moved", Integer.toString(owned.size()));
    }

    /** When the survivor first reported one of these sessions starting after the cut, from its reports on worker-states. */
    private static Instant firstStartBy(Run run, String workerId, List<String> sessions, Instant after) {
        Instant first = null;
        for (KafkaRecord report : Topics.readAll(run.cluster.kafka.bootstrap(), Topics.REPORTS, Duration.ofSeconds(60))) {
            if (!sessions.contains(report.key()) || !"WorkerStateChanged".equals(report.ceType()) || report.injected()) {
                continue;
            }
            try {
                JsonNode body = JSON.readTree(report.value());
                Instant at = Instant.parse(body.path("at").asText());
                if (workerId.equals(body.path("workerId").asText()) && "starting".equals(body.path("workerState").asText())
                        && at.isAfter(after) && (first == null || at.isBefore(first))) {
                    first = at;
                }
            } catch (Exception e) {
                // not a report of ours
            }
        }
        return first;
    }
}
