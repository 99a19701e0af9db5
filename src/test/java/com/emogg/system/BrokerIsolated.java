package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.emogg.testing.Sleep;

/**
 * Fault 10: one Kafka node isolated from everything (the other nodes, the applications, the test)
 * while clients stop sessions: a network partition, not a crash. The node still runs and believes it
 * leads its partitions until the controller quorum, which it cannot reach, fences it; its followers
 * drop out of the in-sync replicas; clients time out on it and move to the new leaders. After the
 * partition heals it catches up. Every acknowledged stop must still be published, in order.
 */
final class BrokerIsolated implements Fault {

    @Override
    public String id() {
        return "F10";
    }

    @Override
    public String title() {
        return "one Kafka node (the leader of most session-commands partitions) isolated by the network under stop load, healed";
    }

    @Override
    public boolean needsPartitions() {
        return true;
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f10");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        KafkaBroker victim = PartitionLeaderKill.mostLeaderships(run, Topics.COMMANDS);
        StopBurst burst = new StopBurst(run, user, sessions, 3, "f10-burst");
        int cutAt = Math.max(1, (int) (sessions.size() * (0.1 + 0.3 * run.random.nextDouble())));
        Duration cut = run.settings.partition().minusSeconds(2).plusMillis(run.random.nextInt(4000));
        burst.start();
        Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(2), () -> burst.done() >= cutAt);
        long waiting = run.db.unpublished();
        int controller = run.cluster.kafka.activeController();
        Instant from = Instant.now();
        Network.Cut isolation = run.cluster.network.isolate(victim.host);
        record.note("%s isolated after %d of %d stops (%d events unpublished); the active controller was node %d", victim, burst.done(),
                burst.size, waiting, controller);
        Instant firstAfter = null;
        while (Duration.between(from, Instant.now()).compareTo(cut) < 0) {
            if (firstAfter == null) {
                firstAfter = run.db.firstPublishedAfter(from.plusMillis(500));
            }
            Sleep.millis(250);
        }
        if (firstAfter == null) {
            firstAfter = run.db.firstPublishedAfter(from.plusMillis(500));
        }
        long published = run.db.publishedBetween(from, Instant.now());
        Map<String, Integer> leaders = run.cluster.kafka.leaders(List.of(Topics.COMMANDS));
        isolation.heal();
        Instant healed = Instant.now();
        record.note("isolated %s: %d events published meanwhile (first %s after the cut); leaders then %s", Log.seconds(Duration.between(from,
                healed)), published, firstAfter == null ? "none" : Log.seconds(Duration.between(from, firstAfter)), leaders);
        burst.await();
        if (run.awaitOutboxDrained(Duration.ofSeconds(90))) {
            record.note("outbox drained %s after the heal", Log.since(healed));
        } else {
            run.violation(id(), "%d events still unpublished 90 s after the partition healed", run.db.unpublished());
        }
        boolean inSync = Sleep.until(Duration.ofSeconds(90), Duration.ofMillis(500),
                () -> run.cluster.kafka.inSyncReplicas(Topics.COMMANDS).values().stream().allMatch(replicas -> replicas == 3));
        record.note(inSync ? "%s back in sync on every partition %s after the heal"
                : "%s not back in sync 90 s after the heal (Kafka's own recovery, noted only)", victim, Log.since(healed));
        record.figure("recovered", firstAfter == null ? "none while isolated" : "first event published " + Log.seconds(Duration.between(from,
                firstAfter)) + " after the cut");
        record.figure("events delayed", waiting + " waiting at the cut, " + published + " published while it was isolated");
        record.figure("sessions moved", "0 (no worker touched)");
    }
}
