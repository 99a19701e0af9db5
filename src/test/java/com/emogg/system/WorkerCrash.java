package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.Sleep;

/**
 * Fault 4: a worker SIGKILLed while it runs sessions. Once the consumer group expires it, its
 * partitions go to the other worker, which rereads them and must resume exactly the sessions that
 * should run: every session the dead worker owned must end up {@code working} under the survivor, none
 * may be lost, failed or finished on the way. Then the dead worker is restarted and rejoins.
 */
final class WorkerCrash implements Fault {

    @Override
    public String id() {
        return "F4";
    }

    @Override
    public boolean needsSettledReports() {
        return true;
    }

    @Override
    public String title() {
        return "a worker SIGKILLed while owning sessions; the other resumes them";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f4");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.workerSessions(), true);
        List<CompletableFuture<Exchange>> waits = new ArrayList<>();
        for (String id : sessions) {
            waits.add(client.getAsync(client.pick(), user, id, "?wait=working&timeout=30s"));
        }
        waits.forEach(CompletableFuture::join);
        Map<String, String[]> rows = run.db.sessions(sessions);
        Map<String, Integer> perWorker = new LinkedHashMap<>();
        for (String[] row : rows.values()) {
            if (!"working".equals(row[1])) {
                run.violation(id(), "a session on the live stream is %s/%s 30 s after its creation, not working", row[0], row[1]);
            } else {
                perWorker.merge(row[2], 1, Integer::sum);
            }
        }
        if (perWorker.isEmpty()) {
            run.violation(id(), "no session is working: nothing to take over");
            return;
        }
        // the worker owning the most sessions (ties broken by the seeded random)
        List<String> owners = new ArrayList<>(perWorker.keySet());
        java.util.Collections.shuffle(owners, run.random);
        owners.sort((a, b) -> perWorker.get(b) - perWorker.get(a));
        AppProcess victim = run.cluster.worker(owners.get(0));
        AppProcess survivor = run.cluster.workers.stream().filter(worker -> worker != victim).findFirst().orElseThrow();
        List<String> owned = rows.entrySet().stream().filter(row -> victim.workerId().equals(row.getValue()[2]))
                .map(Map.Entry::getKey).toList();
        Sleep.millis(run.random.nextInt(3000));
        Instant killed = Instant.now();
        victim.kill();
        record.note("%s killed while owning %d of %d working sessions %s", victim, owned.size(), sessions.size(), perWorker);

        boolean resumed = Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(250), () -> run.db.sessions(owned).values().stream()
                .allMatch(row -> row[0].equals("active") && row[1].equals("working") && survivor.workerId().equals(row[2])));
        Map<String, String[]> after = run.db.sessions(owned);
        if (resumed) {
            record.note("%s resumed all %d sessions, %s after the kill", survivor, owned.size(), Log.since(killed));
            record.figure("recovered", "all sessions working on the other worker " + Log.since(killed) + " after the kill");
            record.figure("events delayed", "none");
            record.figure("sessions moved", Integer.toString(owned.size()));
        } else {
            after.forEach((id, row) -> {
                if (!(row[0].equals("active") && row[1].equals("working") && survivor.workerId().equals(row[2]))) {
                    run.violation(id(), "session %s of the killed worker is %s/%s on %s 60 s after the kill, not resumed by %s", id,
                            row[0], row[1], row[2], survivor);
                }
            });
        }
        // the dead worker comes back while the schedule goes on; its sessions must survive the rebalance its return causes
        Instant restart = Instant.now();
        java.util.concurrent.CompletableFuture<Void> restarted = victim.restartInBackground();
        run.background(id(), () -> {
            restarted.join();
            record.unreachable(victim.workerId(), killed, Instant.now());
            record.note("%s restarted in %s", victim, Log.since(restart));
            Sleep.millis(3000);
            // another fault may have PostgreSQL down by now: wait for it rather than fail this one
            for (Map.Entry<String, String[]> row : run.db.sessions(owned, Duration.ofSeconds(90)).entrySet()) {
                if (!row.getValue()[0].equals("active")) {
                    run.violation(id(), "session %s is %s/%s after %s rejoined", row.getKey(), row.getValue()[0], row.getValue()[1], victim);
                }
            }
            new StopBurst(run, user, sessions, 2, "f4-stop").run();
        });
    }
}
