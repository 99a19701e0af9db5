package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.Sleep;

/**
 * Fault 8 (only with {@code -Dcrash.faults=...,F8}, not part of the default matrix): every api replica
 * down for longer than the heartbeat deadline (30 s here) while the workers keep running their
 * sessions and reporting to Kafka. When the api comes back, those reports are all waiting on
 * {@code worker-states}; the sessions' workers were never silent, so none of them may be declared
 * {@code lost}: a session is lost when its worker stops answering, not when the api was not listening.
 */
final class LongApiOutage implements Fault {

    private static final Duration HEARTBEAT_DEADLINE = Duration.ofSeconds(30);

    @Override
    public String id() {
        return "F8";
    }

    @Override
    public boolean needsSettledReports() {
        return true;
    }

    @Override
    public String title() {
        return "every api replica down longer than the heartbeat deadline; workers keep reporting";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f8");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, 6, true);
        List<CompletableFuture<Exchange>> waits = new ArrayList<>();
        for (String id : sessions) {
            waits.add(client.getAsync(client.pick(), user, id, "?wait=working&timeout=30s"));
        }
        waits.forEach(CompletableFuture::join);
        Instant down = Instant.now();
        Cluster.parallel(run.cluster.apis, AppProcess::kill);
        Sleep.millis(HEARTBEAT_DEADLINE.plusSeconds(10).toMillis());
        Cluster.parallel(run.cluster.apis, AppProcess::restart);
        record.note("both api replicas down %s (heartbeat deadline %s); the workers kept reporting", Log.since(down),
                Log.seconds(HEARTBEAT_DEADLINE));
        // the reconciler runs every second; give the consumer time to apply what waited
        Sleep.millis(15_000);
        Map<String, String[]> rows = run.db.sessions(sessions);
        int lost = 0;
        for (Map.Entry<String, String[]> row : rows.entrySet()) {
            if (!row.getValue()[0].equals("active") || !row.getValue()[1].equals("working")) {
                lost++;
                run.violation(id(), "session %s, whose worker %s kept reporting, is %s/%s after the api came back", row.getKey(),
                        row.getValue()[2], row.getValue()[0], row.getValue()[1]);
            }
        }
        record.note("%d of %d running sessions survived the api outage", sessions.size() - lost, sessions.size());
        new StopBurst(run, user, sessions, 2, "f8-stop").run();
    }
}
