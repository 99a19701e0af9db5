package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.emogg.testing.Sleep;

/**
 * Fault 9: the Kafka node that leads the most {@code session-commands} partitions SIGKILLed in the
 * middle of a stop burst, kept down past the controller's broker session timeout (9 s, so its
 * partitions get new leaders, and the in-sync replicas shrink to the two left, which
 * {@code min.insync.replicas=2} still accepts), then restarted on its logs. Every acknowledged stop
 * must still reach the topic, once the relay's transactions commit on the new leaders; the checker
 * proves none is lost or reordered.
 */
final class PartitionLeaderKill implements Fault {

    @Override
    public String id() {
        return "F9";
    }

    @Override
    public String title() {
        return "the Kafka node leading most session-commands partitions SIGKILLed under stop load, restarted";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f9");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        KafkaBroker victim = mostLeaderships(run, Topics.COMMANDS);
        Map<String, Integer> before = run.cluster.kafka.leaders(List.of(Topics.COMMANDS));
        StopBurst burst = new StopBurst(run, user, sessions, 4, "f9-burst");
        int killAt = Math.max(1, (int) (sessions.size() * (0.2 + 0.4 * run.random.nextDouble())));
        Duration down = run.settings.full() ? Duration.ofSeconds(25) : Duration.ofSeconds(15);
        burst.start();
        Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(2), () -> burst.done() >= killAt);
        long waiting = run.db.unpublished();
        Instant killed = Instant.now();
        victim.kill();
        record.note("%s (leader of %s) killed after %d of %d stops, %d events unpublished", victim, leadersOf(before, victim.nodeId),
                burst.done(), burst.size, waiting);
        // the relay goes on through the other two nodes once the controller moved the partitions
        Instant firstAfter = null;
        while (Duration.between(killed, Instant.now()).compareTo(down) < 0) {
            if (firstAfter == null) {
                firstAfter = run.db.firstPublishedAfter(killed.plusMillis(500));
            }
            Sleep.millis(250);
        }
        if (firstAfter == null) {
            firstAfter = run.db.firstPublishedAfter(killed.plusMillis(500));
        }
        long published = run.db.publishedBetween(killed, Instant.now());
        Map<String, Integer> moved = run.cluster.kafka.leaders(List.of(Topics.COMMANDS));
        record.note("down %s: %d events published meanwhile (first %s after the kill); leaders now %s", Log.since(killed), published,
                firstAfter == null ? "none" : Log.seconds(Duration.between(killed, firstAfter)), moved);
        Instant restart = Instant.now();
        victim.restart();
        burst.await();
        if (run.awaitOutboxDrained(Duration.ofSeconds(90))) {
            record.note("restarted in %s; outbox drained %s after the kill", Log.since(restart), Log.since(killed));
        } else {
            run.violation(id(), "%d events still unpublished 90 s after the node came back", run.db.unpublished());
        }
        boolean inSync = Sleep.until(Duration.ofSeconds(90), Duration.ofMillis(500),
                () -> run.cluster.kafka.inSyncReplicas(Topics.COMMANDS).values().stream().allMatch(replicas -> replicas == 3));
        record.note(inSync ? "%s back in sync on every partition %s after its restart"
                : "%s not back in sync on every partition 90 s after its restart (Kafka's own recovery, noted only)", victim,
                Log.since(restart));
        record.figure("recovered", firstAfter == null ? "none while down" : "first event published " + Log.seconds(Duration.between(killed,
                firstAfter)) + " after the kill");
        record.figure("events delayed", waiting + " waiting at the kill, " + published + " published while the node was down");
        record.figure("sessions moved", "0 (no worker touched)");
    }

    static KafkaBroker mostLeaderships(Run run, String topic) {
        Map<String, Integer> leaders = run.cluster.kafka.leaders(List.of(topic));
        Map<Integer, Integer> counts = new TreeMap<>();
        leaders.values().forEach(node -> counts.merge(node, 1, Integer::sum));
        List<KafkaBroker> candidates = new ArrayList<>(run.cluster.kafka.brokers);
        Collections.shuffle(candidates, run.random);
        candidates.sort((a, b) -> counts.getOrDefault(b.nodeId, 0) - counts.getOrDefault(a.nodeId, 0));
        return candidates.get(0);
    }

    private static List<String> leadersOf(Map<String, Integer> leaders, int node) {
        return leaders.entrySet().stream().filter(entry -> entry.getValue() == node).map(Map.Entry::getKey).toList();
    }
}
