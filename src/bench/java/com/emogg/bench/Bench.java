package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        report.machine("Kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion() + " (single KRaft node, own JVM, -Xmx512m)");
        report.machine("pgbench", pgbench.map(PgBench::version).orElse(PgBench.MISSING));

        Footprint footprint = new Footprint(harness);
        App first = harness.startApi("api", Map.of());
        footprint.firstStart(first);
        long firstReady = first.ready.toMillis();

        Seed seed = harness.seed();
        seed.users(1, 1);
        harness.stopToken = seed.token(Ids.STOP_USER);
        seed.stopPool(settings.stopPool());

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
        Map<String, RunResult> issue5 = new LinkedHashMap<>();
        if (settings.runs("idempotency")) {
            issue5.put("Idempotency-Key", stop.variant("app+idempotency-key", true));
        }
        if (settings.runs("footprint")) {
            footprint.memoryAfterLoad(harness.api());
        }
        if (settings.runs("stopped")) {
            new StopToStopped(harness).run(stop.peak() > 0 ? stop.peak() : 200);
        }
        if (settings.runs("drain")) {
            new RelayDrain(harness).run();
        }
        // last, since it restarts the api with other settings; that restart is also scenario 7's start measurement
        App restarted = null;
        if (settings.runs("ratelimit")) {
            // a bucket so large that no request is refused: what is measured is the limiter's own cost
            restarted = harness.startApi("api-ratelimit", Map.of("EMOGG_RATE_LIMIT_ENABLED", "true",
                    "EMOGG_RATE_LIMIT_CAPACITY", "1000000000", "EMOGG_RATE_LIMIT_REFILL_PER_SECOND", "1000000000"));
            // a fresh JVM: compiled as far as the plain api was before its runs, or the ratio would measure the JIT
            warmUp();
            issue5.put("rate limiting", stop.variant("app+rate-limit", false));
        } else if (settings.runs("footprint")) {
            restarted = harness.startApi("api-restart", Map.of());
        }
        if (settings.runs("footprint")) {
            footprint.restart(restarted, firstReady);
        }
        if (!issue5.isEmpty()) {
            issue5(stop, issue5);
        }
    }

    /**
     * Unrecorded load before the first measured point, so that the JIT compilers of the application
     * and of the load generator are done with the hot paths: otherwise the first point (stop at 8
     * connections) would measure compilation, and the other points not.
     */
    private void warmUp() {
        java.time.Duration each = java.time.Duration.ofSeconds(settings.smoke() ? 2 : 15);
        int pool = settings.stopPool();
        LoadGenerator.Workload get = () -> new LoadGenerator.Call(io.vertx.core.http.HttpMethod.GET,
                "/v1/sessions/" + Ids.id(Ids.STOP_POOL + java.util.concurrent.ThreadLocalRandom.current().nextInt(pool)),
                harness.stopToken, null);
        load.run(harness.api().port, "jit warm-up get", "app", get, 32, java.time.Duration.ZERO, each, 0);
        load.run(harness.api().port, "jit warm-up stop", "app", new StopWorkload(pool, harness.stopToken, false), 32,
                java.time.Duration.ZERO, each, 0);
        load.run(harness.api().port, "jit warm-up list", "app", () -> new LoadGenerator.Call(io.vertx.core.http.HttpMethod.GET,
                "/v1/sessions?limit=10", harness.stopToken, null), 32, java.time.Duration.ZERO, each, 0);
    }

    /** Issue 5: the cost of rate limiting and of Idempotency-Key on the stop, as ratios to the plain stop run. */
    private void issue5(StopScenario stop, Map<String, RunResult> variants) {
        RunResult plain = stop.reference();
        if (plain == null) {
            // no scenario 1 in this run: a plain stop run of its own, on a plain api
            harness.startApi("api-plain", Map.of());
            plain = stop.variant("app", false);
        }
        Map<String, Double> throughput = new LinkedHashMap<>();
        throughput.put("plain stop", plain.throughput);
        for (var entry : variants.entrySet()) {
            RunResult run = entry.getValue();
            long refused = run.errors.getOrDefault("HTTP 429", 0L);
            report.row("issue 5: " + entry.getKey(), "stop c=" + run.connections, run.summary("req/s")
                    + (refused > 0 ? ", " + refused + " refused (429)" : ""), "plain stop run " + plain.summary("req/s"),
                    Report.ratio(run.throughput / plain.throughput), "-", "-");
            report.figure("issue5." + entry.getKey() + ".ratio", run.throughput / plain.throughput);
            throughput.put("with " + entry.getKey(), run.throughput);
        }
        report.barChart("chart-issue5-stop-variants.png", "Issue 5: stop throughput, plain vs rate limiting vs Idempotency-Key (c="
                + plain.connections + ")", "req/s", Map.of("stop", throughput));
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
