package com.emogg.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 1, the stop path against PostgreSQL's own limit: at each connection count, the
 * application's {@code POST /v1/sessions/:id/stop} over distinct active sessions, then pgbench
 * running the application's stop statement (the guarded update and the outbox insert, one
 * transaction) with as many connections. Between runs the pool is made active again and the outbox
 * emptied. Then one run paced at half of the peak, for the latency target. Scenario 4 (commit to
 * Kafka) is read from the outbox rows of the reference run.
 */
final class StopScenario {

    private final Harness harness;
    private double peak;
    private RunResult reference;

    StopScenario(Harness harness) {
        this.harness = harness;
    }

    /** The highest stop throughput of the application in the sweep (scenario 5 runs at a tenth of it). */
    double peak() {
        return peak;
    }

    /** The plain stop run at the reference connection count, which issue 5's variants compare against. */
    RunResult reference() {
        return reference;
    }

    void run() {
        Settings settings = harness.settings;
        int pool = settings.stopPool();
        for (int connections : settings.connections()) {
            // as many connections as the application's statements get: its pool, whatever the HTTP clients
            int baselineConnections = settings.baselineConnections(connections);
            // each pgbench client walks its own slice of the pool: pool / clients sessions
            String script = PgBenchScripts.stop(pool / baselineConnections, settings.users(), baselineAuthToken());
            harness.report.script("stop, c=" + baselineConnections + " (scenario 1)", script);
            harness.resetStopPool();
            StopWorkload workload = new StopWorkload(pool, harness.users, false);
            RunResult app = harness.checkedHttp("stop", "app", workload, connections);
            noteStopped(app, workload.issued());
            peak = Math.max(peak, app.throughput);
            if (connections == settings.referenceConnections()) {
                reference = app;
            }
            RunResult baseline = null;
            if (harness.pgbench.isPresent()) {
                harness.resetStopPool();
                baseline = harness.measure(() -> harness.pgbench.get().run("stop", script, baselineConnections, settings.warmup(),
                        settings.measure(), Map.of("i", "0")));
                noteStopped(baseline, baseline.allRequests);
            }
            harness.report.ratioRow("1 stop", "c=" + connections + Report.baselineConnections(connections, baselineConnections),
                    app, baseline, PgBench.MISSING, 0.8, "tps");
        }
        harness.report.sweepChart("chart-1-stop.png", "Scenario 1: POST /v1/sessions/:id/stop vs pgbench of its statement", "stop");
        if (harness.profiler.isPresent()) {
            harness.resetStopPool();
            harness.profiledRun("stop", "app", new StopWorkload(pool, harness.users, false), "stop-c" + settings.referenceConnections());
        }
        halfPeak();
    }

    /**
     * Target: stop p99 <= 15 ms at half of the peak throughput; scenario 4 (commit to Kafka, target
     * at half of the stop peak too) is read from the outbox rows of this run.
     */
    private void halfPeak() {
        Settings settings = harness.settings;
        harness.resetStopPool();
        double rate = Math.max(1, peak / 2);
        int connections = settings.referenceConnections();
        Instant started = Instant.now();
        long seqBefore = harness.db.number("select coalesce(max(seq), 0) from outbox");
        RunResult paced = harness.measure(() -> harness.load.run(harness.api().port, "stop", "app", new StopWorkload(settings.stopPool(),
                harness.users, false), connections, settings.warmup(), settings.measure(), rate));
        Harness.requireAnswers(paced);
        harness.checkNotRefused(paced);
        paced.note = "paced at half of the peak stop throughput; latency from when each request was due; " + paced.note;
        harness.report.row("1 stop", "p99 at half of peak (" + Progress.count(rate) + "/s, c=" + connections + ")",
                "p99 " + Progress.ms(paced.p99) + " ms (p50 " + Progress.ms(paced.p50) + ", " + Progress.count(paced.throughput) + " req/s)",
                "-", "-", "p99 <= 15 ms", Report.met(paced.p99 <= 15));
        harness.report.because(paced, null);
        harness.report.figure("stop.halfPeak.p99Ms", paced.p99);
        if (settings.runs("kafka")) {
            commitToKafka(seqBefore, started.plus(settings.warmup()), started.plus(settings.warmup()).plus(settings.measure()),
                    "at half of the stop peak (" + Progress.count(rate) + "/s, c=" + connections + ")", paced);
        }
    }

    /**
     * Scenario 4: how long a committed stop waits for the broker's acknowledgement, from the outbox
     * rows of the reference run's measured window ({@code published_at} is set once Kafka acked).
     */
    private void commitToKafka(long seqBefore, Instant from, Instant to, String load, RunResult run) {
        harness.seed().awaitPublished(seqBefore, harness.drainTimeout());
        Object[] row = harness.db.row("select count(*), "
                + "percentile_cont(0.5) within group (order by extract(epoch from published_at - occurred_at)), "
                + "percentile_cont(0.99) within group (order by extract(epoch from published_at - occurred_at)), "
                + "max(extract(epoch from published_at - occurred_at)) "
                + "from outbox where seq > ? and type = 'SessionStopRequested' and occurred_at >= ? and occurred_at < ?",
                seqBefore, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
        long count = ((Number) row[0]).longValue();
        if (count == 0) {
            throw new IllegalStateException("scenario 4: no outbox row of the stop run in its measured window");
        }
        double p50 = ((Number) row[1]).doubleValue() * 1000;
        double p99 = ((Number) row[2]).doubleValue() * 1000;
        double max = ((Number) row[3]).doubleValue() * 1000;
        harness.report.row("4 commit-to-Kafka", load + ", " + Progress.count(count) + " events",
                "p50 " + Progress.ms(p50) + " / p99 " + Progress.ms(p99) + " ms (max " + Progress.ms(max) + ")", "-", "-",
                "p99 <= 50 ms", Report.met(p99 <= 50));
        harness.report.because(run, null);
        harness.report.figure("commitToKafka.events", count);
        harness.report.figure("commitToKafka.p50Ms", p50);
        harness.report.figure("commitToKafka.p99Ms", p99);
        harness.report.figure("commitToKafka.maxMs", max);
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        bars.put("commit to broker ack", Report.values("p50", p50, "p99", p99));
        bars.put("target", Report.values("p99", 50.0));
        harness.report.barChart("chart-4-commit-to-kafka.png", "Scenario 4: outbox commit to Kafka acknowledgement (ms), " + load,
                "ms", bars);
        Progress.line("commit-to-Kafka over %,d events: p50 %s ms, p99 %s ms", count, Progress.ms(p50), Progress.ms(p99));
    }

    /** How many of the run's stops found an active session: the pool must be large enough for none to repeat. */
    private void noteStopped(RunResult run, long issued) {
        long stopped = harness.seed().stoppedInPool();
        run.note = (run.note.isEmpty() ? "" : run.note + "; ") + "sessions stopped " + stopped + " of " + issued + " requests (warm-up included)";
        if (issued > 0 && stopped < issued * 0.99) {
            harness.report.note(run.label() + ": only " + stopped + " of " + issued + " stops found an active session "
                    + "(the stop pool of " + harness.settings.stopPool() + " was too small for this run); the others changed no row");
        }
    }

    /** The token whose lookup the baselines run in every transaction (bench.baseline.auth, on by default; see PgBenchScripts). */
    String baselineAuthToken() {
        return harness.settings.baselineAuth() ? harness.users.token(1) : null;
    }

    /**
     * A stop run at the reference connection count on the api as it runs now (rate limiting on or
     * off, see Bench), with a unique Idempotency-Key per request or without.
     */
    RunResult variant(String variant, boolean idempotencyKey, String profile) {
        harness.resetStopPool();
        StopWorkload workload = new StopWorkload(harness.settings.stopPool(), harness.users, idempotencyKey);
        RunResult run = harness.checkedHttp("stop", variant, workload, harness.settings.referenceConnections());
        noteStopped(run, workload.issued());
        if (profile != null && harness.profiler.isPresent()) {
            harness.resetStopPool();
            harness.profiledRun("stop", variant, new StopWorkload(harness.settings.stopPool(), harness.users, idempotencyKey), profile);
        }
        return run;
    }
}
