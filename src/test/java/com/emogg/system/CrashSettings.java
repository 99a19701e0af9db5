package com.emogg.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one run of the crash matrix does, from {@code -Dcrash.mode} ({@code reduced}, the default that
 * {@code ./mvnw verify} and CI run, or {@code full}) and {@code -Dcrash.seed} (printed by every run, so a
 * failing schedule can be replayed exactly). The reduced matrix injects every fault once with short
 * outages and small loads (but Kafka down past the 30 s heartbeat deadline once), so that the whole IT
 * stays within minutes on a 2-core machine; the full matrix runs several randomized schedules with
 * Kafka down a whole minute, longer partitions and bigger loads.
 */
record CrashSettings(
        String mode,
        long seed,
        /** Independent schedules, each on fresh servers (seed, seed+1, ...). */
        int schedules,
        Duration brokerDown,
        Duration postgresDown,
        /** How long the network faults keep their cut (each at least what it must outlast). */
        Duration partition,
        /** Background clients creating and stopping sessions during the whole schedule. */
        int clientThreads,
        /** Sessions stopped in the burst during which the api is killed (fault 1) or the relay leader (fault 5). */
        int burstSessions,
        /** Streaming sessions alive when a worker is killed (fault 4). */
        int workerSessions,
        /** Fault 7: this many sessions, each stopped by this many concurrent requests. */
        int concurrentSessions,
        int stopsPerSession,
        /** The faults to inject ({@code -Dcrash.faults=F1,F3}); F1..F7 and F9..F14 by default, F8 only when asked for. */
        List<String> faults,
        Path projectDir,
        Path outDir) {

    static CrashSettings fromSystemProperties() {
        String mode = property("crash.mode", "reduced");
        String seedText = property("crash.seed", "");
        long seed = seedText.isBlank() ? System.nanoTime() ^ System.currentTimeMillis() : Long.parseLong(seedText.trim());
        Path project = Path.of(property("crash.projectDir", System.getProperty("user.dir"))).toAbsolutePath();
        Path out = project.resolve("target/crash");
        List<String> faults = List.of(property("crash.faults", "F1,F2,F3,F4,F5,F6,F7,F9,F10,F11,F12,F13,F14").toUpperCase().split("\\s*,\\s*"));
        return switch (mode) {
            case "full" -> new CrashSettings(mode, seed, Integer.parseInt(property("crash.schedules", "3")), Duration.ofSeconds(60),
                    Duration.ofSeconds(8), Duration.ofSeconds(40), 6, 150, 24, 100, 10, faults, project, out);
            case "reduced" -> new CrashSettings(mode, seed, Integer.parseInt(property("crash.schedules", "1")), Duration.ofSeconds(35),
                    Duration.ofSeconds(4), Duration.ofSeconds(20), 3, 40, 8, 100, 10, faults, project, out);
            default -> throw new IllegalArgumentException("crash.mode must be reduced or full, not " + mode);
        };
    }

    /** A property, where Maven leaves {@code ${crash.seed}} as is when nobody set it. */
    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
    }

    boolean full() {
        return mode.equals("full");
    }
}
