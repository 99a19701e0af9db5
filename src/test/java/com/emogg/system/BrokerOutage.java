package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.emogg.testing.Sleep;

/**
 * Fault 2: every Kafka node SIGKILLed while clients keep stopping (and creating) sessions, down for
 * the mode's outage (35 s reduced, past the 30 s heartbeat deadline; 60 s full), then restarted on
 * the same logs. A stop never calls
 * Kafka, so every stop during the outage must still be answered at once (200, or 400 for a session
 * already finished), and the events recorded meanwhile must all be published once the broker is back.
 */
final class BrokerOutage implements Fault {

    /** A stop that takes longer than this while the broker is down is waiting on Kafka, which it must not. */
    private static final long SLOW_MILLIS = 5_000;

    @Override
    public String id() {
        return "F2";
    }

    @Override
    public String title() {
        return "the whole Kafka cluster SIGKILLed under stop load, restarted";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f2");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = new ArrayList<>(run.createSessions(client, user, run.settings.burstSessions(), false));
        java.util.Collections.shuffle(sessions, run.random);
        Duration outage = run.settings.brokerDown().plusMillis(run.random.nextInt(2000));
        Instant down = Instant.now();
        run.cluster.kafka.killAll();
        long pace = Math.max(20, outage.toMillis() / Math.max(1, sessions.size() + 1));
        Map<String, Integer> statuses = new TreeMap<>();
        long slowest = 0;
        List<String> stopped = new ArrayList<>();
        for (String id : sessions) {
            if (Duration.between(down, Instant.now()).compareTo(outage) >= 0) {
                break;
            }
            Exchange stop = client.stop(user, id);
            statuses.merge(stop.statusText(), 1, Integer::sum);
            slowest = Math.max(slowest, stop.latencyMs());
            if (stop.status() != 200 && stop.status() != 400) {
                run.violation(id(), "a stop while the broker was down got %s (%s) in %d ms", stop.statusText(), stop.error(), stop.latencyMs());
            } else if (stop.latencyMs() > SLOW_MILLIS) {
                run.violation(id(), "a stop while the broker was down took %d ms", stop.latencyMs());
            }
            stopped.add(id);
            Sleep.millis(pace);
        }
        long remaining = outage.toMillis() - Duration.between(down, Instant.now()).toMillis();
        if (remaining > 0) {
            Sleep.millis(remaining);
        }
        long waiting = run.db.unpublished();
        record.figure("events delayed", waiting + " waiting in the outbox when Kafka came back");
        record.figure("sessions moved", "0 (every worker lets its sessions go after 6 s without its coordinator, and resumes them)");
        run.cluster.kafka.restartDead();
        record.note("broker down %s; %d stops meanwhile: %s, slowest %d ms; %d events waiting in the outbox", Log.since(down),
                stopped.size(), statuses, slowest, waiting);
        if (run.awaitOutboxDrained(Duration.ofSeconds(120))) {
            record.note("outbox drained %s after the kill", Log.since(down));
            record.figure("recovered", "outbox drained " + Log.since(down) + " after the kill (down " + Log.seconds(outage) + ")");
        } else {
            run.violation(id(), "%d events still unpublished 120 s after the broker came back", run.db.unpublished());
        }
    }
}
