package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;

/**
 * The crash matrix of issue 8: the packaged application, PostgreSQL and the Kafka broker as separate
 * processes, killed with SIGKILL and restarted while clients create and stop sessions; then a history
 * checker proves nothing was lost and nothing leaked (see {@link InvariantChecker} for the invariants,
 * the {@link Fault} implementations for the faults, the README's "Tests" section for the commands).
 *
 * <p>A plain JUnit test, not a {@code @QuarkusTest}: it drives real processes, run by failsafe after
 * packaging. {@code -Dcrash.mode=reduced|full}, {@code -Dcrash.seed=<n>} to replay a schedule.
 */
class CrashMatrixIT {

    @Test
    void nothingIsLostAndNothingLeaks() {
        CrashSettings settings = CrashSettings.fromSystemProperties();
        Instant started = Instant.now();
        Log.line("crash matrix: mode %s, seed %d (replay with -Dcrash.mode=%s -Dcrash.seed=%d)", settings.mode(), settings.seed(),
                settings.mode(), settings.seed());
        ChildProcesses children = new ChildProcesses(settings.outDir().resolve("pids"), line -> Log.line("%s", line));
        children.reapAbandoned();
        Path jar = snapshotOfTheApplication(settings);
        List<ScheduleResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < settings.schedules(); i++) {
                results.add(ScheduleRunner.run(settings, i + 1, settings.seed() + i, jar, children));
                children.killAll();
            }
        } finally {
            children.killAll();
            Path report = CrashReport.write(settings, results, Duration.between(started, Instant.now()));
            Log.line("report: %s (violations per schedule %s), wall time %s", report, CrashReport.summary(results),
                    Log.since(started));
        }
        List<String> violations = results.stream().flatMap(result -> result.violations.stream()).toList();
        assertEquals(List.of(), violations.stream().limit(40).toList(), "invariant violations (seed " + settings.seed()
                + ", mode " + settings.mode() + ", " + violations.size() + " in all), see target/crash/report.md");
    }

    private static Path snapshotOfTheApplication(CrashSettings settings) {
        Path source = settings.projectDir().resolve("target/quarkus-app");
        if (!Files.exists(source.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("no packaged application in " + source + ": run ./mvnw package (or verify) first");
        }
        Path copy = settings.outDir().resolve("quarkus-app");
        Folders.copy(source, copy);
        return copy.resolve("quarkus-run.jar");
    }
}
