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
    /** The stop user's token, once seeded. */
    String stopToken;

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
        cpu.track("api", () -> api == null ? -1 : api.process.pid());
        cpu.track("worker", () -> worker == null ? -1 : worker.process.pid());
        cpu.track("postgres", infrastructure::postgresPid);
        cpu.track("kafka", infrastructure::kafkaPid);
    }

    App api() {
        return api;
    }

    Seed seed() {
        return new Seed(db, new Api(api.port));
    }

    /** (Re)starts the api process with the plain bench settings plus {@code extra}. */
    App startApi(String name, Map<String, String> extra) {
        stopApi();
        api = App.start(name, "api", infrastructure, settings, children, extra, stopToken);
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
        worker = App.start("worker", "worker", infrastructure, settings, children, Map.of(), null);
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
        return measure(() -> load.run(api.port, scenario, variant, workload, connections, settings.warmup(), settings.measure(), 0));
    }

    /**
     * An HTTP run whose load must be valid: a harness whose every request fails (a wrong token, a
     * wrong path) is broken, and the bench must fail rather than report nonsense.
     */
    RunResult checkedHttp(String scenario, String variant, LoadGenerator.Workload workload, int connections) {
        RunResult run = http(scenario, variant, workload, connections);
        requireAnswers(run);
        return run;
    }

    static void requireAnswers(RunResult run) {
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
