package com.emogg.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a run does, from system properties (the Maven profile passes them on; "default" or absent
 * picks the value of the mode). The full run is the one whose figures mean something; the smoke
 * run ({@code bench.smoke=true}) goes through every scenario with tiny durations and sizes, only to
 * prove the harness works.
 */
record Settings(boolean smoke, Set<String> scenarios, Duration warmup, Duration measure, List<Integer> connections,
        int stopPool, int listSessions, int listUsers, int listUsersWithTokens, int drainRows, int stoppedSessions,
        List<String> appJvmArgs, Path projectDir, Path outDir) {

    /** Every scenario, in the order they run. */
    static final List<String> ALL = List.of("stop", "kafka", "get", "list", "idempotency", "footprint", "ratelimit", "stopped", "drain");

    static Settings fromSystemProperties() {
        boolean smoke = Boolean.parseBoolean(property("bench.smoke", "false"));
        String scenarioList = property("bench.scenarios", "all");
        Set<String> scenarios = new LinkedHashSet<>();
        for (String name : scenarioList.split(",")) {
            String trimmed = name.trim();
            if (trimmed.equals("all")) {
                scenarios.addAll(ALL);
            } else if (ALL.contains(trimmed)) {
                scenarios.add(trimmed);
            } else if (!trimmed.isEmpty()) {
                throw new IllegalArgumentException("unknown scenario '" + trimmed + "' in bench.scenarios; known: all, " + ALL);
            }
        }
        Duration warmup = Duration.ofSeconds(Long.parseLong(property("bench.warmup", smoke ? "1" : "5")));
        Duration measure = Duration.ofSeconds(Long.parseLong(property("bench.seconds", smoke ? "2" : "20")));
        List<Integer> connections = Arrays.stream(property("bench.connections", smoke ? "8" : "8,32,128").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        // by default the heap deploy/base gives a replica: 40 % (JAVA_MAX_MEM_RATIO) of its 512Mi limit
        String jvmArgs = property("bench.app.jvmArgs", "-XX:MaxRAM=512m -XX:MaxRAMPercentage=40");
        Path projectDir = Path.of(property("bench.projectDir", ".")).toAbsolutePath().normalize();
        return new Settings(smoke, scenarios, warmup, measure, connections,
                smoke ? 60_000 : 400_000,
                smoke ? 10_000 : 1_000_000,
                smoke ? 100 : 1_000,
                smoke ? 20 : 100,
                smoke ? 2_000 : 100_000,
                smoke ? 10 : 200,
                jvmArgs.isBlank() ? List.of() : List.of(jvmArgs.trim().split("\\s+")),
                projectDir, projectDir.resolve("target/bench"));
    }

    boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    /**
     * The connection count of the runs compared with one plain stop run (issue 5's rate limiting and
     * Idempotency-Key runs, scenario 4's commit-to-Kafka): 32, or the sweep's only value in a smoke run.
     */
    int referenceConnections() {
        return connections.contains(32) ? 32 : connections.get(connections.size() - 1);
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.equals("default") ? fallback : value;
    }
}
