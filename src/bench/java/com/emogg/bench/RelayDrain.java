package com.emogg.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import com.emogg.testing.Sleep;

/**
 * Scenario 6: how fast the application's relay empties a backlog, e.g. after a Kafka outage. A
 * hundred thousand outbox rows (the stop event's real body, from the database's own
 * stop_requested_payload) committed in one transaction, one session each, then the time until the
 * last one is marked published, against a plain producer sending the same records (baseline).
 * The worker is not running, so nothing else consumes the flood.
 */
final class RelayDrain {

    private final Harness harness;

    RelayDrain(Harness harness) {
        this.harness = harness;
    }

    void run() {
        int rows = harness.settings.drainRows();
        Database db = harness.db;
        harness.seed().drainOutbox(harness.drainTimeout());
        long seqBefore = db.number("select coalesce(max(seq), 0) from outbox");
        String session = Ids.sql(Ids.DRAIN_SESSIONS + " + g");
        long inserting = System.nanoTime();
        CpuMeter.Snapshot before = harness.cpu.snapshot();
        db.update("insert into outbox (id, session_id, stream, type, payload, occurred_at) "
                + "select gen_random_uuid(), " + session + ", 'commands', 'SessionStopRequested', "
                + "stop_requested_payload(" + session + ", ?, ?, true, 'user', now()), now() from generate_series(1, ?) g",
                Ids.loadUser(1), Ids.PRODUCT, rows);
        long committed = System.nanoTime();
        double committedEpoch = System.currentTimeMillis() / 1000.0;
        Progress.line("relay drain: %,d outbox rows committed in one transaction in %d ms", rows, (committed - inserting) / 1_000_000);

        long deadline = committed + harness.drainTimeout().toNanos();
        long lastReport = committed;
        while (true) {
            long pending = db.number("select count(*) from outbox where published_at is null and seq > ?", seqBefore);
            long now = System.nanoTime();
            if (pending == 0) {
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException("scenario 6: " + pending + " of " + rows + " rows unpublished after "
                        + harness.drainTimeout().toSeconds() + " s");
            }
            if (now - lastReport >= 1_000_000_000L) {
                double seconds = (now - committed) / 1e9;
                Progress.line("relay drain  %,d/%,d published  %.0f s  %s events/s", rows - pending, rows, seconds,
                        Progress.count((rows - pending) / seconds));
                lastReport = now;
            }
            Sleep.millis(100);
        }
        Map<String, Double> cpu = CpuMeter.between(before, harness.cpu.snapshot());
        Object[] totals = db.row("select extract(epoch from max(published_at)), avg(octet_length(payload)) from outbox where seq > ?",
                seqBefore);
        double seconds = ((Number) totals[0]).doubleValue() - committedEpoch;
        double relay = rows / seconds;
        double payloadBytes = ((Number) totals[1]).doubleValue();
        // the baseline sends this very body, with its own key in place of the session id
        Object[] sample = db.row("select payload, session_id from outbox where seq > ? order by seq limit 1", seqBefore);
        String template = (String) sample[0];
        String templateSession = (String) sample[1];
        Progress.line("relay drain: %,d events in %.2f s = %s events/s (payload %.0f bytes); cpu %s", rows, seconds, Progress.count(relay),
                payloadBytes, CpuMeter.describe(cpu));

        double plain = PlainProducer.eventsPerSecond(harness.infrastructure.kafkaBootstrap(), rows, template, templateSession);
        Progress.line("plain producer: %,d records = %s events/s", rows, Progress.count(plain));
        double ratio = relay / plain;
        harness.report.row("6 relay drain", Progress.count(rows) + " outbox rows (" + Math.round(payloadBytes) + "-byte bodies)",
                Progress.count(relay) + " events/s (" + String.format(java.util.Locale.ROOT, "%.2f", seconds) + " s)",
                "plain producer " + Progress.count(plain) + " events/s", Report.ratio(ratio), ">= 0.5x", Report.met(ratio >= 0.5));
        harness.report.note("relay drain CPU: " + CpuMeter.describe(cpu));
        harness.report.figure("drain.rows", rows);
        harness.report.figure("drain.seconds", seconds);
        harness.report.figure("drain.relayEventsPerSecond", relay);
        harness.report.figure("drain.plainProducerEventsPerSecond", plain);
        harness.report.figure("drain.payloadBytes", payloadBytes);
        harness.report.figure("drain.cpuPercent", cpu);
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        bars.put("events per second", Report.values("relay (application)", relay, "plain producer (baseline)", plain));
        harness.report.barChart("chart-6-relay-drain.png", "Scenario 6: draining " + Progress.count(rows) + " outbox rows (events/s)",
                "events/s", bars);
        db.update("delete from outbox where seq > ?", seqBefore);
    }
}
