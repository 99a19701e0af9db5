package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.emogg.testing.Sleep;

/**
 * Fault 5: two api replicas, each with a relay, on one database; only the holder of the advisory lock
 * publishes. That one is SIGKILLed while a burst of creates and stops keeps the outbox busy, so it dies
 * in the middle of a relay round. Its lock dies with its database connection, and the other replica's
 * relay must take over within seconds and publish the rest; the dead replica is then restarted.
 */
final class RelayFailover implements Fault {

    @Override
    public String id() {
        return "F5";
    }

    @Override
    public String title() {
        return "two api replicas and relays on one database; the publishing one SIGKILLed mid-batch";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f5");
        ApiClient.User user = run.newUser(client);
        if (!Sleep.until(Duration.ofSeconds(15), Duration.ofMillis(200), () -> leaders(run).size() == 1)) {
            run.violation(id(), "not exactly one relay leader before the fault: %s", leaders(run));
            return;
        }
        AppProcess leader = leaders(run).get(0);
        AppProcess standby = run.cluster.apis.stream().filter(api -> api != leader).findFirst().orElseThrow();
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        StopBurst burst = new StopBurst(run, user, sessions, 6, "f5-burst");
        int killAt = Math.max(1, (int) (sessions.size() * (0.2 + 0.5 * run.random.nextDouble())));
        burst.start();
        Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(2), () -> burst.done() >= killAt);
        long waiting = run.db.unpublished();
        Instant killed = Instant.now();
        leader.kill();
        record.note("relay leader %s killed after %d of %d stops, %d events unpublished at that moment", leader, burst.done(), burst.size,
                waiting);
        if (Sleep.until(Duration.ofSeconds(20), Duration.ofMillis(100), standby::relayLeader)) {
            record.note("%s took the lead %s after the kill", standby, Log.since(killed));
            record.figure("recovered", "the other relay led " + Log.since(killed) + " after the kill");
            record.figure("events delayed", waiting + " unpublished at the kill");
            record.figure("sessions moved", "0");
        } else {
            run.violation(id(), "%s did not take the relay's lead within 20 s of the leader's death", standby);
        }
        Instant restart = Instant.now();
        java.util.concurrent.CompletableFuture<Void> restarted = java.util.concurrent.CompletableFuture.runAsync(leader::restart);
        burst.await();
        if (!run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            run.violation(id(), "%d events still unpublished 60 s after the failover", run.db.unpublished());
        } else {
            record.note("%s alone published what was left, %s after the kill", standby, Log.since(killed));
        }
        restarted.join();
        record.note("%s restarted in %s", leader, Log.since(restart));
        if (!Sleep.until(Duration.ofSeconds(15), Duration.ofMillis(200), () -> leaders(run).size() == 1)) {
            run.violation(id(), "not exactly one relay leader after the restart: %s", leaders(run));
        }
    }

    static List<AppProcess> leaders(Run run) {
        return run.cluster.apis.stream().filter(AppProcess::relayLeader).toList();
    }

    /** The one relay leader (waited for, up to 15 s), or null after a violation. */
    static AppProcess leader(Run run, String fault) {
        if (!Sleep.until(Duration.ofSeconds(15), Duration.ofMillis(200), () -> leaders(run).size() == 1)) {
            run.violation(fault, "not exactly one relay leader before the fault: %s", leaders(run));
            return null;
        }
        return leaders(run).get(0);
    }
}
