package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.emogg.testing.Sleep;

/**
 * Fault 1: every api replica SIGKILLed in the middle of a burst of stops, at a random point of the
 * burst (and the second one a random moment after the first), so that some stops are committed with
 * their response lost, some rows are in the outbox unpublished and some relay rounds are cut in half.
 * Both are restarted; their relays must then publish what was left, and the history checker verifies
 * that every committed stop was published once-or-more and nothing else.
 */
final class ApiCrashDuringStops implements Fault {

    @Override
    public String id() {
        return "F1";
    }

    @Override
    public String title() {
        return "api replicas SIGKILLed during a stop burst, restarted; the relay resumes";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f1");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        StopBurst burst = new StopBurst(run, user, sessions, 4, "f1-burst");
        int killAt = Math.max(1, (int) (sessions.size() * (0.1 + 0.5 * run.random.nextDouble())));
        long gapMillis = run.random.nextInt(800);
        List<AppProcess> victims = new ArrayList<>(run.cluster.apis);
        if (run.random.nextBoolean()) {
            java.util.Collections.reverse(victims);
        }
        burst.start();
        Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(2), () -> burst.done() >= killAt);
        Instant down = Instant.now();
        victims.get(0).kill();
        record.note("%s killed after %d of %d stops", victims.get(0), burst.done(), burst.size);
        Sleep.millis(gapMillis);
        victims.get(1).kill();
        record.note("%s killed %d ms later, after %d stops; no api replica, no relay", victims.get(1), gapMillis, burst.done());
        long unpublished = run.db.unpublished();
        Sleep.millis(500 + run.random.nextInt(1500));
        Cluster.parallel(victims, AppProcess::restart);
        record.note("both restarted; api down %s; %d events were waiting in the outbox at the kill", Log.since(down), unpublished);
        record.figure("events delayed", unpublished + " waiting in the outbox at the kill");
        record.figure("sessions moved", "0");
        burst.await();
        if (run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            record.note("the restarted relays published every recorded event (%s after the first kill)", Log.since(down));
            record.figure("recovered", "every recorded event published " + Log.since(down) + " after the first kill");
        } else {
            run.violation(id(), "the outbox still has %d unpublished events 60 s after the api replicas restarted", run.db.unpublished());
        }
    }
}
