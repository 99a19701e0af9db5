package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.emogg.testing.Sleep;

/**
 * Fault 11 (issue 17, 4a): the relay leader cut off from every Kafka node, not from PostgreSQL, so it
 * keeps its advisory lock. Stops go on through both replicas. Within the bound the leader must give
 * the lead up ({@code EMOGG_RELAY_LEAD_WITHOUT_BROKER} 10 s after its first failed attempt, each
 * attempt failing within the 8 s send timeout) and the other replica, which reaches the brokers,
 * must publish: {@link #BOUND} from the cut to the first event it publishes. The cut-off replica must
 * not take the lead back while it is cut off. Then the network heals and everything drains.
 */
final class RelayCutFromKafka implements Fault {

    /** Lead without broker 10 s + a send timeout 8 s + leader retry 1 s + opening a publication, with slack for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(25);

    @Override
    public String id() {
        return "F11";
    }

    @Override
    public String title() {
        return "the relay leader cut off from Kafka (not from PostgreSQL): another replica publishes within 25 s";
    }

    @Override
    public boolean needsPartitions() {
        return true;
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        AppProcess leader = RelayFailover.leader(run, id());
        if (leader == null) {
            return;
        }
        AppProcess standby = run.cluster.apis.stream().filter(api -> api != leader).findFirst().orElseThrow();
        ApiClient client = run.client("f11");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        Duration cut = run.settings.partition().compareTo(BOUND.plusSeconds(5)) > 0 ? run.settings.partition() : BOUND.plusSeconds(5);
        StopBurst burst = new StopBurst(run, user, sessions, 2, "f11-burst");
        Instant from = Instant.now();
        List<Network.Cut> cuts = new ArrayList<>();
        run.cluster.kafka.brokers.forEach(broker -> cuts.add(run.cluster.network.cut(leader.host, broker.host)));
        record.note("%s (relay leader) cut off from the 3 Kafka nodes, PostgreSQL still reachable; %d stops meanwhile", leader,
                sessions.size());
        burst.start();
        Instant tookOver = null;
        Instant firstPublished = null;
        boolean leaderBack = false;
        while (Duration.between(from, Instant.now()).compareTo(cut) < 0) {
            if (tookOver == null && standby.relayLeader()) {
                tookOver = Instant.now();
            }
            if (tookOver != null && firstPublished == null) {
                firstPublished = run.db.firstPublishedAfter(tookOver.minusMillis(1000));
            }
            if (tookOver != null && leader.relayLeader()) {
                leaderBack = true;
            }
            Sleep.millis(200);
        }
        long published = run.db.publishedBetween(from, Instant.now());
        cuts.forEach(Network.Cut::heal);
        Instant healed = Instant.now();
        if (tookOver == null) {
            run.violation(id(), "%s did not take the relay's lead in the %s %s was cut off from Kafka", standby, Log.seconds(cut), leader);
        } else {
            record.note("%s gave the lead up: %s leads %s after the cut", leader, standby, Log.seconds(Duration.between(from, tookOver)));
        }
        if (firstPublished == null || Duration.between(from, firstPublished).compareTo(BOUND) > 0) {
            run.violation(id(), "%s published %s after the cut, not within %s", standby,
                    firstPublished == null ? "nothing" : Log.seconds(Duration.between(from, firstPublished)), Log.seconds(BOUND));
        } else {
            record.note("%s published its first event %s after the cut; %d events published during the cut", standby,
                    Log.seconds(Duration.between(from, firstPublished)), published);
        }
        if (leaderBack) {
            run.violation(id(), "%s took the lead back while it was still cut off from Kafka", leader);
        }
        burst.await();
        if (run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            record.note("healed after %s; outbox drained %s after the heal", Log.seconds(Duration.between(from, healed)), Log.since(healed));
        } else {
            run.violation(id(), "%d events still unpublished 60 s after the heal", run.db.unpublished());
        }
        if (!Sleep.until(Duration.ofSeconds(20), Duration.ofMillis(200), () -> RelayFailover.leaders(run).size() == 1)) {
            run.violation(id(), "not exactly one relay leader after the heal: %s", RelayFailover.leaders(run));
        }
        record.figure("recovered", firstPublished == null ? "-" : "another replica published " + Log.seconds(Duration.between(from,
                firstPublished)) + " after the cut (bound " + Log.seconds(BOUND) + ")");
        record.figure("events delayed", "stops meanwhile waited at most until the other replica led; " + published
                + " events published during the cut");
        record.figure("sessions moved", "0 (the lead moved)");
    }
}
