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
        int stopPool, int listSessions, int users, int drainRows, int stoppedSessions, List<String> appJvmArgs, String appJava,
        int appPool, boolean baselineAuth, boolean profile, Path projectDir, Path outDir) {

    /** Every scenario, in the order they run. */
    static final List<String> ALL = List.of("stop", "kafka", "get", "list", "idempotency", "footprint", "ratelimit", "stopped", "drain",
            "start");

    /**
     * What the image's launcher ({@code run-java.sh} of the UBI OpenJDK image, {@code java-default-options})
     * passes to a replica of {@code deploy/base} ({@code JAVA_MAX_MEM_RATIO=40}, a 512Mi memory limit, no other
     * GC variable): the heap at 40 % of the limit ({@code -XX:MaxRAM} stands for the container's limit here), its
     * default ParallelGC with the heap given back early, exit on OutOfMemoryError, and the image's
     * {@code JAVA_OPTS_APPEND}.
     */
    static final String DEPLOYED_JVM = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=40.0 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 "
            + "-XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError "
            + "-Djava.util.logging.manager=org.jboss.logmanager.LogManager";

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
        String jvmArgs = property("bench.app.jvmArgs", DEPLOYED_JVM);
        Path projectDir = Path.of(property("bench.projectDir", ".")).toAbsolutePath().normalize();
        return new Settings(smoke, scenarios, warmup, measure, connections,
                smoke ? 60_000 : 400_000,
                smoke ? 10_000 : 1_000_000,
                // 2,000: at the 5,000 GET/s a quieter machine reaches, 2.5 requests/s per user, half of the refill
                Integer.parseInt(property("bench.users", "2000")),
                smoke ? 2_000 : 100_000,
                smoke ? 10 : 200,
                jvmArgs.isBlank() ? List.of() : List.of(jvmArgs.trim().split("\\s+")),
                property("bench.app.java", Classpath.javaBinary()),
                applicationPoolSize(),
                Boolean.parseBoolean(property("bench.baseline.auth", "true")),
                Boolean.parseBoolean(property("bench.profile", "false")),
                projectDir, projectDir.resolve("target/bench"));
    }

    /**
     * The application's database pool ({@code quarkus.datasource.reactive.max-size} of its
     * application.properties, which the bench does not override): however many HTTP clients, the
     * application's statements run on at most that many connections, so a baseline with more would
     * compare PostgreSQL at another concurrency.
     */
    static int applicationPoolSize() {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Thread.currentThread().getContextClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the class path (is target/classes?)");
            }
            properties.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Integer.parseInt(properties.getProperty("quarkus.datasource.reactive.max-size", "20").trim());
    }

    /** Connections of a baseline beside an application run of {@code httpConnections} clients: as many as the application's statements get. */
    int baselineConnections(int httpConnections) {
        return Math.min(httpConnections, appPool);
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
