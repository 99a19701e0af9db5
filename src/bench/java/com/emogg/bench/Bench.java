package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;

/**
 * The benchmark of the stop path, end to end, against PostgreSQL's own limit
 * ({@code ./mvnw -Pbench verify}; see src/bench/README.md). It starts PostgreSQL and Kafka, the
 * packaged application (prod mode, its own process), seeds, runs the scenarios each beside its
 * baseline measured in this same run, and writes {@code target/bench/report.md}. Missed targets
 * are reported, never fatal; a harness that cannot do its job (a server that does not start, a
 * load that gets no answer, pgbench failing) fails the build.
 */
public final class Bench {

    /** What the previous run left in target/bench and a new run overwrites; the rest is kept (cached binaries, stale servers to stop). */
    private static final Set<String> KEPT = Set.of("pg", "pg-binaries", "pids");

    private final Settings settings;
    private final Report report;
    private ChildProcesses children;
    private Infrastructure infrastructure;
    private Database db;
    private LoadGenerator load;
    private Harness harness;
    private boolean cleanedUp;

    private Bench(Settings settings) {
        this.settings = settings;
        this.report = new Report(settings);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Settings settings = Settings.fromSystemProperties();
        new Bench(settings).run();
    }

    private void run() {
        long started = System.nanoTime();
        Progress.line("%s bench run: scenarios %s, warm-up %d s, measurement %d s per point, connections %s",
                settings.smoke() ? "smoke" : "full", settings.scenarios(), settings.warmup().toSeconds(), settings.measure().toSeconds(),
                settings.connections());
        prepareOutput();
        Snapshot.loadClasses();
        Snapshot.application(settings);
        children = new ChildProcesses(settings.outDir().resolve("pids"), line -> Progress.line("%s", line));
        children.reapAbandoned();
        Thread hook = new Thread(this::cleanUp, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            scenarios();
            Path written = report.write();
            Progress.line("report written to %s (%d s in all)", written, (System.nanoTime() - started) / 1_000_000_000L);
            System.out.println();
            System.out.println(report.table());
            System.out.println("Report: " + written);
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private void scenarios() {
        infrastructure = Infrastructure.start(settings.outDir(), children);
        db = new Database(infrastructure.connect());
        load = new LoadGenerator();
        Optional<PgBench> pgbench = PgBench.find(infrastructure, children, settings.outDir().resolve("pgbench"));
        if (pgbench.isEmpty()) {
            report.note("pgbench is not installed: every baseline is " + PgBench.MISSING);
        }
        harness = new Harness(settings, children, infrastructure, db, load, pgbench, report);
        report.machine(Machine.describe(settings.projectDir()));
        report.machine("PostgreSQL", db.text("select version()"));
        report.machine("PostgreSQL durability (read from the server)", db.text("select string_agg(name || '=' || setting, ', ' order by name) "
                + "from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')"));
        report.machine("Kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion() + " (single KRaft node, own JVM, -Xmx512m)");
        report.machine("pgbench", pgbench.map(PgBench::version).orElse(PgBench.MISSING));
        report.machine("application", "the packaged jar, prod profile, every default as shipped (rate limiting on), "
                + settings.users() + " users each with its token, database pool " + settings.appPool()
                + " connections (baselines capped to it), on " + Machine.javaVersion(settings.appJava()));

        Footprint footprint = new Footprint(harness);
        App first = harness.startApi("api", Map.of());
        footprint.firstStart(first);

        Seed seed = harness.seed();
        harness.users = seed.loadUsers(settings.users());
        seed.stopPool(settings.stopPool(), settings.users());

        warmUp();
        StopScenario stop = new StopScenario(harness);
        if (settings.runs("stop")) {
            stop.run();
        }
        ReadScenarios reads = new ReadScenarios(harness);
        if (settings.runs("get")) {
            reads.get();
        }
        if (settings.runs("list")) {
            reads.list();
        }
        if (settings.runs("footprint")) {
            footprint.memoryAfterLoad(harness.api());
        }
        RunResult plainStop = null;
        if (settings.runs("idempotency")) {
            // item 3: side by side, so that nothing else moves between the two
            plainStop = stop.variant("app", false, null);
            RunResult keyed = stop.variant("app+idempotency-key", true, "stop-idempotency-key");
            variantRow("3 Idempotency-Key", "stop c=" + keyed.connections + ", a unique key per request vs none", keyed, plainStop, 0.8,
                    "stop.idempotencyKey.ratio");
        }
        if (settings.runs("stopped")) {
            new StopToStopped(harness).run(stop.peak() > 0 ? stop.peak() : 200);
        }
        if (settings.runs("drain")) {
            new RelayDrain(harness).run();
        }
        // after the others, since it restarts the api with the limiter off
        if (settings.runs("ratelimit")) {
            rateLimiting(stop, reads);
        }
        if (settings.runs("start")) {
            new StartScenario(harness, this::warmUp).run();
        }
        report.row("1 shipped traffic", "requests refused by the rate limiter (429) over every load run, warm-ups included; "
                + "highest rate of one user in a run", harness.refusedTotal + " refused; " + String.format(java.util.Locale.ROOT, "%.2f",
                        harness.maxPerUserRate) + " req/s per user (its bucket refills " + (int) Users.REFILL_PER_SECOND + "/s)", "-", "-",
                "0 refused, < " + (int) Users.REFILL_PER_SECOND + "/s per user",
                Report.met(harness.refusedTotal == 0 && harness.maxPerUserRate < Users.REFILL_PER_SECOND));
        String[] load = Machine.loadAverage();
        report.machine("load average at the end (1, 5, 15 min)", String.join(" ", load));
    }

    /**
     * Item 2: what the rate limiter costs GET and stop. On (the shipped default) first, on the api
     * every other scenario ran on, then the same runs on an api restarted with the limiter off,
     * warmed up alike: a fresh JVM compiled as far as the first one was, or the ratio would measure the JIT.
     */
    private void rateLimiting(StopScenario stop, ReadScenarios reads) {
        RunResult getOn = reads.getRun("app", null);
        RunResult stopOn = stop.variant("app", false, null);
        harness.startApi("api-ratelimit-off", Map.of("EMOGG_RATE_LIMIT_ENABLED", "false"));
        warmUp();
        RunResult getOff = reads.getRun("app+ratelimit-off", "get-ratelimit-off");
        RunResult stopOff = stop.variant("app+ratelimit-off", false, "stop-ratelimit-off");
        variantRow("2 rate limiting", "GET c=" + getOn.connections + ", on vs off", getOn, getOff, 0.9, "get.rateLimiting.ratio");
        variantRow("2 rate limiting", "stop c=" + stopOn.connections + ", on vs off", stopOn, stopOff, 0.9, "stop.rateLimiting.ratio");
        report.barChart("chart-2-rate-limiting.png", "Item 2: throughput with rate limiting on (shipped) and off (c=" + getOn.connections
                + ")", "req/s", Map.of("GET", Report.values("on", getOn.throughput, "off", getOff.throughput),
                        "stop", Report.values("on", stopOn.throughput, "off", stopOff.throughput)));
    }

    /** A row comparing a run with its reference run of the same bench run, against a minimum ratio. */
    private void variantRow(String scenario, String measure, RunResult run, RunResult reference, double minimum, String figure) {
        double ratio = run.throughput / reference.throughput;
        report.row(scenario, measure, run.summary("req/s"), reference.summary("req/s"), Report.ratio(ratio), ">= " + minimum + "x",
                Report.met(ratio >= minimum));
        report.because(run, reference);
        report.figure(figure, ratio);
    }

    /**
     * Unrecorded load before the first measured point, so that the JIT compilers of the application
     * and of the load generator are done with the hot paths: otherwise the first point (stop at 8
     * connections) would measure compilation, and the other points not.
     */
    void warmUp() {
        java.time.Duration each = java.time.Duration.ofSeconds(settings.smoke() ? 2 : 15);
        int pool = settings.stopPool();
        for (RunResult run : List.of(
                load.run(harness.api().port, "jit warm-up get", "app", Workloads.get(pool, harness.users), 32, java.time.Duration.ZERO, each, 0),
                load.run(harness.api().port, "jit warm-up stop", "app", new StopWorkload(pool, harness.users, false), 32,
                        java.time.Duration.ZERO, each, 0),
                load.run(harness.api().port, "jit warm-up list", "app", Workloads.list(harness.users), 32, java.time.Duration.ZERO, each, 0))) {
            harness.checkNotRefused(run);
        }
    }

    private void prepareOutput() {
        Path out = settings.outDir();
        try {
            Files.createDirectories(out);
            try (var entries = Files.list(out)) {
                for (Path entry : entries.toList()) {
                    if (!KEPT.contains(entry.getFileName().toString())) {
                        Folders.deleteRecursively(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + out, e);
        }
    }

    /** Ends everything this run started, once: on the normal path, on failure, and from the shutdown hook. */
    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        if (harness != null) {
            harness.stopWorker();
            harness.stopApi();
        }
        if (load != null) {
            load.close();
        }
        if (db != null) {
            db.close();
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
        if (children != null) {
            children.stopAll(30);
        }
    }
}
