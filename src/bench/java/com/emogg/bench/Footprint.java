package com.emogg.bench;

/**
 * Scenario 7: what one api process costs to run. Its peak resident memory (VmHWM: the most it ever
 * held, so read after the heaviest load) against the target, and its first start on an empty
 * database (schema migrations included); the restarts, on each JVM with and without its class
 * archive, are {@link StartScenario}'s.
 */
final class Footprint {

    private final Harness harness;

    Footprint(Harness harness) {
        this.harness = harness;
    }

    void firstStart(App api) {
        harness.report.figure("start.first.readyMs", api.ready.toMillis());
        harness.report.row("7 api start", "first start on an empty database (migrations included): launch to ready", api.ready.toMillis()
                + " ms", "-", "-", "-", "-");
    }

    void memoryAfterLoad(App api) {
        double[] memory = api.memoryMiB();
        harness.report.row("7 api memory", "peak RSS (VmHWM) after scenarios 1-3", String.format(java.util.Locale.ROOT,
                "%.0f MB (now %.0f MB)", memory[0], memory[1]), "-", "-", "<= 300 MB", Report.met(memory[0] <= 300));
        harness.report.figure("memory.api.vmHwmMiB", memory[0]);
        harness.report.figure("memory.api.vmRssMiB", memory[1]);
        harness.report.barChart("chart-7-api-memory.png", "Scenario 7: api resident memory after the load (MiB)", "MiB",
                java.util.Map.of("api", Report.values("peak (VmHWM)", memory[0], "current (VmRSS)", memory[1], "target", 300)));
        Progress.line("api memory after the load: VmHWM %.0f MiB, VmRSS %.0f MiB", memory[0], memory[1]);
    }
}
