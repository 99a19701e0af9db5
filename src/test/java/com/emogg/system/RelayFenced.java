package com.emogg.system;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.emogg.testing.Sleep;

/**
 * Fault 14 (issue 17, 4d): the relay leader isolated from everything in the middle of a stop burst,
 * its transaction open and its sends on their way, then healed only after the other replica took the
 * lead and published. The old leader's producer still holds those sends, and the kernel still holds
 * unacknowledged packets of them: without fencing they would reach the topic after the new leader's
 * events (a stop's command again after later ones, a session's last record on the compacted topic no
 * longer its last event). The new leader's {@code initTransactions} fenced the old producer, so none
 * of them is ever visible to a consumer: the checker's per-session order (O) proves it on every
 * topic, and the old leader's log says how many events it had on their way.
 */
final class RelayFenced implements Fault {

    private static final Pattern LEFT = Pattern.compile("(\\d+) events of its open transaction are left to the next leader");

    @Override
    public String id() {
        return "F14";
    }

    @Override
    public String title() {
        return "the relay leader isolated mid-transaction and healed after the next leader started: fenced, nothing of it published after";
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
        ApiClient client = run.client("f14");
        ApiClient.User user = run.newUser(client);
        List<String> sessions = run.createSessions(client, user, run.settings.burstSessions(), false);
        int leftBefore = left(leader);
        StopBurst burst = new StopBurst(run, user, sessions, 6, "f14-burst");
        int cutAt = Math.max(1, (int) (sessions.size() * (0.2 + 0.4 * run.random.nextDouble())));
        burst.start();
        Sleep.until(Duration.ofSeconds(60), Duration.ofMillis(2), () -> burst.done() >= cutAt);
        Instant from = Instant.now();
        Network.Cut isolation = run.cluster.network.isolate(leader.host);
        record.note("%s (relay leader) isolated after %d of %d stops", leader, burst.done(), burst.size);
        boolean tookOver = Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200), standby::relayLeader);
        Instant lead = Instant.now();
        if (!tookOver) {
            run.violation(id(), "%s did not take the lead within 30 s of the isolation of %s", standby, leader);
        } else {
            record.note("%s leads %s after the isolation", standby, Log.seconds(Duration.between(from, lead)));
        }
        // the new leader publishes what was left; the old one, cut off, still holds its sends
        Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> run.db.firstPublishedAfter(lead) != null);
        Instant published = run.db.firstPublishedAfter(lead);
        Sleep.millis(2000);
        isolation.heal();
        Instant healed = Instant.now();
        record.note("healed %s after the isolation (the new leader published from +%s)", Log.seconds(Duration.between(from, healed)),
                published == null ? "?" : Log.seconds(Duration.between(from, published)));
        burst.await();
        if (!run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            run.violation(id(), "%d events still unpublished 60 s after the heal", run.db.unpublished());
        }
        if (!Sleep.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> RelayFailover.leaders(run).size() == 1)) {
            run.violation(id(), "not exactly one relay leader after the heal: %s", RelayFailover.leaders(run));
        }
        int left = left(leader) - leftBefore;
        record.note(left > 0 ? "%s had %d events in its open transaction when it lost its lead: fenced, never published by it"
                : "%s had no transaction open when it lost its lead (%d events): nothing to fence this time", leader, left);
        record.figure("recovered", "new leader " + Log.seconds(Duration.between(from, lead)) + " after the isolation");
        record.figure("events delayed", left + " events of the fenced leader's open transaction, published by the new leader instead");
        record.figure("sessions moved", "0");
    }

    /** Events the leader's log says it left unpublished in an open transaction, so far. */
    private static int left(AppProcess api) {
        try {
            Matcher matcher = LEFT.matcher(Files.readString(api.log()));
            int sum = 0;
            while (matcher.find()) {
                sum += Integer.parseInt(matcher.group(1));
            }
            return sum;
        } catch (IOException e) {
            return 0;
        }
    }
}
