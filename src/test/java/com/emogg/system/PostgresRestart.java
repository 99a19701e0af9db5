package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.emogg.testing.Sleep;

/**
 * Fault 3: PostgreSQL SIGKILLed under load and restarted on the same data a few seconds later, with
 * the api replicas left running. While it is down, every request that needs it (all of {@code /v1},
 * authentication included, since the token cache is not trusted without its notification connection)
 * must come back within a few seconds as a 503 with {@code Retry-After}, not hang and not be a 500; the
 * app is configured to give up after 2 s connecting and 3 s waiting for a pooled connection. Once the
 * database is back, the same processes (same pids) must serve again without any restart.
 */
final class PostgresRestart implements Fault {

    /** 2 s connect + 3 s pool wait, plus slack for a loaded 2-core machine. */
    private static final long FAST_MILLIS = 8_000;

    @Override
    public String id() {
        return "F3";
    }

    @Override
    public String title() {
        return "PostgreSQL SIGKILLed under load, restarted; 503 + Retry-After meanwhile, recovery without an app restart";
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        ApiClient client = run.client("f3");
        ApiClient.User user = run.newUser(client);
        // a token never used yet: its first request needs the database to authenticate
        ApiClient.User fresh = run.newUser(client);
        List<String> sessions = new ArrayList<>(run.createSessions(client, user, 8, false));
        Map<String, Long> pids = new LinkedHashMap<>();
        run.cluster.apis.forEach(api -> pids.put(api.name, api.pid()));
        Duration outage = run.settings.postgresDown().plusMillis(run.random.nextInt(2000));

        run.cluster.postgres.kill();
        long killedAt = System.currentTimeMillis();
        Instant down = Instant.now();
        List<Exchange> probes = new ArrayList<>();
        int round = 0;
        while (Duration.between(down, Instant.now()).compareTo(outage) < 0) {
            List<CompletableFuture<Exchange>> calls = new ArrayList<>();
            for (AppProcess api : run.cluster.apis) {
                String id = sessions.get(round % sessions.size());
                calls.add(client.getAsync(api, user, id, ""));
                calls.add(client.stopAsync(api, user, id));
                calls.add(client.createAsync(api, user, run.liveStream()));
                calls.add(client.getAsync(api, fresh, id, ""));
            }
            calls.forEach(call -> probes.add(call.join()));
            round++;
            Sleep.millis(300);
        }
        long restartAt = System.currentTimeMillis();
        run.cluster.postgres.restart();
        record.note("PostgreSQL down %s", Log.since(down));

        // every request made while it was down, the background clients' too
        Map<String, Integer> statuses = new TreeMap<>();
        long slowest = 0;
        int checked = 0;
        for (Exchange exchange : run.history.all()) {
            if (exchange.startMs() < killedAt || exchange.endMs() > restartAt) {
                continue;
            }
            checked++;
            statuses.merge(exchange.op() + " " + exchange.statusText(), 1, Integer::sum);
            slowest = Math.max(slowest, exchange.latencyMs());
            if (exchange.status() != 503 || exchange.retryAfter() == null) {
                run.violation(id(), "%s on %s while PostgreSQL was down got %s%s (%s) in %d ms", exchange.op(), exchange.replica(),
                        exchange.statusText(), exchange.retryAfter() == null ? " without Retry-After" : "", exchange.error(),
                        exchange.latencyMs());
            } else if (exchange.latencyMs() > FAST_MILLIS) {
                run.violation(id(), "%s on %s while PostgreSQL was down took %d ms to get its 503", exchange.op(), exchange.replica(),
                        exchange.latencyMs());
            }
        }
        record.note("%d requests while it was down (%d probes): %s; slowest %d ms", checked, probes.size(), statuses, slowest);

        Instant back = Instant.now();
        for (AppProcess api : run.cluster.apis) {
            boolean serves = Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200),
                    () -> client.getAsync(api, user, sessions.get(0), "").join().status() == 200);
            if (!serves) {
                run.violation(id(), "%s does not serve 30 s after PostgreSQL came back", api.name);
            } else if (!api.alive() || api.pid() != pids.get(api.name)) {
                run.violation(id(), "%s was restarted (pid %d, was %d)", api.name, api.pid(), pids.get(api.name));
            }
        }
        record.note("both api replicas serve again %s after the restart, same processes (pids %s)", Log.since(back), pids.values());
        record.figure("recovered", "both replicas serve again " + Log.since(back) + " after PostgreSQL's restart; 503s meanwhile in "
                + slowest + " ms at most");
        record.figure("events delayed", "none recorded while it was down");
        record.figure("sessions moved", "0");
        if (!run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            run.violation(id(), "%d events still unpublished 60 s after PostgreSQL came back", run.db.unpublished());
        }
    }
}
