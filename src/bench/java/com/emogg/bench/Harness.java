package com.emogg.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.emogg.testing.ChildProcesses;

/**
 * What every scenario shares: the settings, the servers, the harness's database connection, the
 * running api process (restarted by some scenarios with other settings), the load generator,
 * pgbench when installed, the CPU meter and the report. {@link #measure} wraps each run: CPU by
 * process around it, then the run goes into the report.
 */
final class Harness {

    final Settings settings;
    final ChildProcesses children;
    final Infrastructure infrastructure;
    final Database db;
    final LoadGenerator load;
    final Optional<PgBench> pgbench;
    final CpuMeter cpu;
    final Report report;
    private App api;
    private App worker;
    /** The users the load comes from, once seeded. */
    Users users;
    /** Attaches async-profiler to the api during chosen runs, with -Dbench.profile=true. */
    final java.util.Optional<Profiler> profiler;

    Harness(Settings settings, ChildProcesses children, Infrastructure infrastructure, Database db, LoadGenerator load,
            Optional<PgBench> pgbench, Report report) {
        this.settings = settings;
        this.children = children;
        this.infrastructure = infrastructure;
        this.db = db;
        this.load = load;
        this.pgbench = pgbench;
        this.report = report;
        this.cpu = new CpuMeter();
        this.profiler = settings.profile() ? java.util.Optional.of(Profiler.install(settings.outDir().resolve("profiles")))
                : java.util.Optional.empty();
        cpu.track("api", () -> api == null ? -1 : api.process.pid());
        cpu.track("worker", () -> worker == null ? -1 : worker.process.pid());
        cpu.track("postgres", infrastructure::postgresPid);
        cpu.track("kafka", infrastructure::kafkaPid);
    }

    App api() {
        return api;
    }

    Seed seed() {
        return new Seed(db, new Api(api.port), settings.stopPool());
    }

    /** (Re)starts the api process with the shipped settings plus {@code extra}, on the bench's JVM and options. */
    App startApi(String name, Map<String, String> extra) {
        return startApi(name, extra, settings.appJava(), java.util.List.of());
    }

    /** (Re)starts the api process on the JVM {@code java}, with {@code jvmArgs} after the bench's JVM options. */
    App startApi(String name, Map<String, String> extra, String javaBinary, java.util.List<String> jvmArgs) {
        stopApi();
        api = App.start(name, "api", javaBinary, jvmArgs, infrastructure, settings, children, extra, users == null ? null : users.token(1));
        return api;
    }

    void stopApi() {
        if (api != null) {
            api.close();
            api = null;
        }
    }

    App startWorker() {
        stopWorker();
        worker = App.start("worker", "worker", settings.appJava(), java.util.List.of(), infrastructure, settings, children, Map.of(), null);
        return worker;
    }

    void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    /** Runs and records one measured run, with the CPU each process used meanwhile. */
    RunResult measure(Supplier<RunResult> run) {
        CpuMeter.Snapshot before = cpu.snapshot();
        RunResult result = run.get();
        result.cpu = CpuMeter.between(before, cpu.snapshot());
        report.run(result);
        Progress.line("%s: %s, errors %s, cpu %s", result.label(), result.summary(result.variant.equals("pgbench") ? "tps" : "req/s"),
                result.errors.isEmpty() ? "0" : result.errors, CpuMeter.describe(result.cpu));
        return result;
    }

    /** A closed-loop HTTP run against the current api. */
    RunResult http(String scenario, String variant, LoadGenerator.Workload workload, int connections) {
        return http(scenario, variant, workload, connections, null);
    }

    /**
     * A closed-loop HTTP run against the current api; with a {@code profile} name and -Dbench.profile=true,
     * async-profiler samples the api's CPU during its measured window (flame graph in target/bench/profiles).
     */
    RunResult http(String scenario, String variant, LoadGenerator.Workload workload, int connections, String profile) {
        if (profile == null || profiler.isEmpty()) {
            return measure(() -> load.run(api.port, scenario, variant, workload, connections, settings.warmup(), settings.measure(), 0));
        }
        return measure(() -> profiler.get().during(profile, api.process.pid(), settings.warmup(), report,
                () -> load.run(api.port, scenario, variant, workload, connections, settings.warmup(), settings.measure(), 0)));
    }

    /**
     * An HTTP run whose load must be valid: a harness whose every request fails (a wrong token, a
     * wrong path) is broken, and the bench must fail rather than report nonsense. Also checks that
     * no request was refused by the rate limiter: the load comes from many users each under its
     * limit, as real traffic does, and a refusal means the figure is not one of shipped traffic.
     */
    RunResult checkedHttp(String scenario, String variant, LoadGenerator.Workload workload, int connections) {
        return checkedHttp(scenario, variant, workload, connections, null);
    }

    RunResult checkedHttp(String scenario, String variant, LoadGenerator.Workload workload, int connections, String profile) {
        RunResult run = http(scenario, variant, workload, connections, profile);
        requireAnswers(run);
        checkNotRefused(run);
        return run;
    }

    /**
     * With -Dbench.profile=true, one more run of {@code workload} at the reference connection count,
     * profiled (async-profiler samples the api during its measured window), labelled "VARIANT profiled":
     * the profiler's own cost stays out of the runs the targets are read from.
     */
    void profiledRun(String scenario, String variant, LoadGenerator.Workload workload, String profile) {
        if (profiler.isPresent()) {
            checkedHttp(scenario, variant + " profiled", workload, settings.referenceConnections(), profile);
        }
    }

    /** Records the run's refusals (429, warm-up included) and each user's request rate against its refill. */
    void checkNotRefused(RunResult run) {
        long refused = run.refused();
        double perUser = users.perUser(run.throughput);
        refusedTotal += refused;
        maxPerUserRate = Math.max(maxPerUserRate, perUser);
        run.note = (run.note.isEmpty() ? "" : run.note + "; ") + String.format(java.util.Locale.ROOT, "%.2f req/s per user", perUser);
        if (refused > 0) {
            report.note(run.label() + ": " + refused + " requests refused by the rate limiter (429): not shipped traffic, "
                    + "spread the load over more users (-Dbench.users)");
        }
    }

    /** Requests refused (429) over every checked run, warm-ups included: 0 when the load was real traffic. */
    long refusedTotal;
    /** The highest request rate of one user in a checked run (the limit refills 5 points per second). */
    double maxPerUserRate;

    static void requireAnswers(RunResult run) {
        if (run.requests == 0 && run.refused() > 0) {
            throw new IllegalStateException(run.label() + ": every request was refused by the rate limiter (" + run.errors + ")");
        }
        if (run.requests == 0) {
            throw new IllegalStateException(run.label() + " got no successful answer in its measured window; errors " + run.errors);
        }
    }

    Duration drainTimeout() {
        return Duration.ofMinutes(settings.smoke() ? 2 : 10);
    }

    /** Before each stop run: outbox empty, stop pool active again, tables vacuumed, a checkpoint. */
    void resetStopPool() {
        Seed seed = seed();
        seed.drainOutbox(drainTimeout());
        int reset = seed.reactivateStopPool();
        seed.settle();
        if (reset > 0) {
            Progress.line("stop pool reset: %,d sessions active again, outbox emptied, tables vacuumed", reset);
        }
    }
}
