package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.Sleep;

/**
 * Fault 12 (issue 17, 4b): the api replica that leads the relay cut off from PostgreSQL (its packets
 * dropped, nothing refused), still reachable by its clients and by Kafka. Every request it gets
 * meanwhile must be answered quickly with a 503 and {@code Retry-After} (a query that hears nothing
 * for the 5 s read timeout fails, as does a wait of 3 s for a pooled connection), never hang, never
 * be a 500; the other replica serves as usual; the relay's lead moves to it (PostgreSQL ends the cut
 * replica's lock session within the 6 s lock timeout). After the heal the same process serves again.
 */
final class ApiCutFromPostgres implements Fault {

    /** 5 s read timeout + 3 s pool wait, with slack for a loaded machine. */
    private static final long FAST_MILLIS = 10_000;
    /** Lock timeout 6 s + leader retry 1 s + opening a publication, with slack. */
    static final Duration LEAD_BOUND = Duration.ofSeconds(15);

    @Override
    public String id() {
        return "F12";
    }

    @Override
    public String title() {
        return "the relay leader's api replica cut off from PostgreSQL: fast 503s there, the lead moves within 15 s";
    }

    @Override
    public boolean needsPartitions() {
        return true;
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        AppProcess victim = RelayFailover.leader(run, id());
        if (victim == null) {
            return;
        }
        AppProcess other = run.cluster.apis.stream().filter(api -> api != victim).findFirst().orElseThrow();
        ApiClient client = run.client("f12");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = new ArrayList<>(run.createSessions(client, user, 8, false));
        long pid = victim.pid();
        Duration cut = run.settings.partition().minusSeconds(5);
        Instant from = Instant.now();
        long fromMillis = System.currentTimeMillis();
        Network.Cut partition = run.cluster.network.cut(victim.host, run.cluster.network.root(), run.cluster.postgres.port());
        record.note("%s (relay leader) cut off from PostgreSQL", victim);
        List<CompletableFuture<Exchange>> probes = new ArrayList<>();
        Instant leadMoved = null;
        int round = 0;
        while (Duration.between(from, Instant.now()).compareTo(cut) < 0) {
            String id = sessions.get(round % sessions.size());
            probes.add(client.getAsync(victim, user, id, ""));
            probes.add(client.createAsync(victim, user, run.liveStream()));
            probes.add(client.getAsync(other, user, id, ""));
            if (leadMoved == null && other.relayLeader()) {
                leadMoved = Instant.now();
            }
            round++;
            Sleep.millis(400);
        }
        probes.forEach(CompletableFuture::join);
        long healedMillis = System.currentTimeMillis();
        partition.heal();
        Instant healed = Instant.now();

        Map<String, Integer> statuses = new TreeMap<>();
        long slowest = 0;
        int served = 0;
        for (Exchange exchange : run.history.all()) {
            if (exchange.startMs() < fromMillis || exchange.endMs() > healedMillis) {
                continue;
            }
            if (exchange.replica().equals(victim.name)) {
                statuses.merge(exchange.op() + " " + exchange.statusText(), 1, Integer::sum);
                slowest = Math.max(slowest, exchange.latencyMs());
                if (exchange.status() != 503 || exchange.retryAfter() == null) {
                    run.violation(id(), "%s on %s while it was cut off from PostgreSQL got %s%s (%s) in %d ms", exchange.op(), victim,
                            exchange.statusText(), exchange.retryAfter() == null ? " without Retry-After" : "", exchange.error(),
                            exchange.latencyMs());
                } else if (exchange.latencyMs() > FAST_MILLIS) {
                    run.violation(id(), "%s on %s while it was cut off took %d ms to get its 503", exchange.op(), victim, exchange.latencyMs());
                }
            } else if (exchange.status() / 100 == 2) {
                served++;
            }
        }
        record.note("cut %s: %s's answers %s, slowest %d ms; %d requests served by %s meanwhile", Log.seconds(Duration.between(from,
                healed)), victim, statuses, slowest, served, other);
        if (leadMoved == null || Duration.between(from, leadMoved).compareTo(LEAD_BOUND) > 0) {
            run.violation(id(), "the relay's lead moved to %s %s after the cut, not within %s", other,
                    leadMoved == null ? "never" : Log.seconds(Duration.between(from, leadMoved)), Log.seconds(LEAD_BOUND));
        } else {
            record.note("the relay's lead moved to %s %s after the cut", other, Log.seconds(Duration.between(from, leadMoved)));
        }
        boolean serves = Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> client.getAsync(victim, user, sessions.get(0), "").join().status() == 200);
        if (!serves) {
            run.violation(id(), "%s does not serve 30 s after the heal", victim);
        } else if (!victim.alive() || victim.pid() != pid) {
            run.violation(id(), "%s was restarted (pid %d, was %d)", victim, victim.pid(), pid);
        } else {
            record.note("%s serves again %s after the heal, same process", victim, Log.since(healed));
        }
        if (!run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            run.violation(id(), "%d events still unpublished 60 s after the heal", run.db.unpublished());
        }
        new StopBurst(run, user, sessions, 2, "f12-stop").run();
        record.figure("recovered", (leadMoved == null ? "lead never moved" : "lead moved " + Log.seconds(Duration.between(from, leadMoved))
                + " after the cut") + "; the cut replica's answers: 503 in " + slowest + " ms at most");
        record.figure("events delayed", "until the lead moved");
        record.figure("sessions moved", "0");
    }
}
