package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads async-profiler's collapsed stacks ({@code frame;frame;...;leaf count}) into where the api's
 * CPU went: each sample charged to one part (the system call it sits in, the JIT compilers, the GC,
 * or else the innermost library or application package on its stack, the JDK's own frames passed
 * over), the share of samples that have a given part anywhere on their stack (inclusive), and the
 * hottest leaf frames. The flame graph shows the same in full; this is its reading for the report.
 */
final class Flames {

    /** What a profile says: parts in % of all samples (they add up to 100), inclusive shares, hottest leaves. */
    record Reading(long samples, Map<String, Double> parts, Map<String, Double> inclusive, Map<String, Double> leaves) {

        double part(String name) {
            return parts.getOrDefault(name, 0.0);
        }
    }

    static final String WRITES = "system calls: write/writev/send";
    static final String READS = "system calls: read/recv";
    static final String OTHER_NATIVE = "other native code";
    static final String POLLING = "system calls: epoll (event loops waiting for work)";
    static final String HAND_OFFS = "thread hand-offs and creation (futex, pthread, mmap)";
    static final String JIT = "JIT compilers";
    static final String GC = "garbage collector";
    static final String JVM = "JVM runtime (interpreter, VM thread, safepoints)";
    static final String JDK = "JDK (java.*, no library above it)";

    private static final Pattern WRITE = Pattern.compile("^_*(GI_+)?(libc_)?(write|writev|send|sendto|sendmsg)$");
    private static final Pattern READ = Pattern.compile("^_*(GI_+)?(libc_)?(read|readv|recv|recvfrom|recvmsg)$");
    private static final Pattern EPOLL = Pattern.compile("^_*(GI_+)?epoll_.*");
    private static final Pattern THREADS = Pattern.compile("^_*(GI_+)?_*(futex|pthread|mmap|munmap|clone|sched_yield).*");

    /** Package prefix -> part, the most specific first. */
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("com.emogg.platform.auth.", "application: authentication filter");
        PACKAGES.put("com.emogg.platform.ratelimit.", "application: rate limiter");
        PACKAGES.put("com.emogg.platform.idempotency.", "application: Idempotency-Key");
        PACKAGES.put("com.emogg.outbox.", "application: outbox relay");
        PACKAGES.put("com.emogg.", "application: the rest (resources, sessions, SQL mapping)");
        PACKAGES.put("io.vertx.pgclient.", "PostgreSQL client (Vert.x)");
        PACKAGES.put("io.vertx.sqlclient.", "PostgreSQL client (Vert.x)");
        PACKAGES.put("io.vertx.mutiny.sqlclient.", "PostgreSQL client (Vert.x)");
        PACKAGES.put("com.fasterxml.jackson.", "JSON (Jackson)");
        PACKAGES.put("io.smallrye.context.", "context propagation (SmallRye)");
        PACKAGES.put("io.quarkus.smallrye.context.", "context propagation (SmallRye)");
        PACKAGES.put("io.micrometer.", "metrics (Micrometer)");
        PACKAGES.put("io.quarkus.micrometer.", "metrics (Micrometer)");
        PACKAGES.put("io.opentelemetry.", "tracing (OpenTelemetry)");
        PACKAGES.put("io.quarkus.opentelemetry.", "tracing (OpenTelemetry)");
        PACKAGES.put("org.jboss.resteasy.reactive.", "REST layer (RESTEasy Reactive)");
        PACKAGES.put("io.quarkus.resteasy.reactive.", "REST layer (RESTEasy Reactive)");
        PACKAGES.put("io.quarkus.rest.", "REST layer (RESTEasy Reactive)");
        PACKAGES.put("org.hibernate.validator.", "bean validation");
        PACKAGES.put("org.apache.kafka.", "Kafka client");
        PACKAGES.put("io.smallrye.reactive.messaging.", "Kafka client");
        PACKAGES.put("io.smallrye.mutiny.", "Mutiny");
        PACKAGES.put("io.quarkus.arc.", "CDI (ArC)");
        PACKAGES.put("io.vertx.core.http.", "HTTP (Vert.x)");
        PACKAGES.put("io.vertx.ext.web.", "HTTP (Vert.x)");
        PACKAGES.put("io.quarkus.vertx.http.", "HTTP (Vert.x)");
        PACKAGES.put("io.netty.", "Netty");
        PACKAGES.put("io.vertx.", "Vert.x core");
        PACKAGES.put("io.quarkus.", "Quarkus (other)");
        PACKAGES.put("org.jboss.logmanager.", "logging");
        PACKAGES.put("org.jboss.logging.", "logging");
    }

    /** Inclusive markers: the share of samples with such a frame anywhere on the stack. */
    private static final Map<String, String> MARKERS = new LinkedHashMap<>();

    static {
        MARKERS.put("the authentication filter (BearerAuthentication, the rate limiter's call included)", "com.emogg.platform.auth.BearerAuthentication");
        MARKERS.put("the rate limiter", "com.emogg.platform.ratelimit.");
        MARKERS.put("Idempotency-Key", "com.emogg.platform.idempotency.");
        MARKERS.put("the PostgreSQL client", "io.vertx.pgclient.");
        MARKERS.put("JSON (Jackson)", "com.fasterxml.jackson.");
        MARKERS.put("context propagation (SmallRye)", "io.smallrye.context.");
        MARKERS.put("metrics (Micrometer)", "io.micrometer.");
        MARKERS.put("the outbox relay", "com.emogg.outbox.");
        MARKERS.put("the Kafka client", "org.apache.kafka.");
        MARKERS.put("the worker reports' consumer", "com.emogg.session.reports.");
    }

    /** Where each part could be cut: the hint beside its figure in the report. */
    static final Map<String, String> CUTS = Map.ofEntries(
            Map.entry(WRITES, "one system call per PostgreSQL round trip and per HTTP response: fewer round trips per request "
                    + "(statements pipelined or merged) cut it"),
            Map.entry(READS, "the matching reads: shrink with the round trips"),
            Map.entry(HAND_OFFS, "threads woken or created per event: CompletableFuture's *Async on the common pool starts a new "
                    + "thread per task where the pool has one thread (2 cores); a dedicated executor avoids it"),
            Map.entry("metrics (Micrometer)", "per-request HTTP server metrics: a Timer looked up (registered) by its tags per response"),
            Map.entry(GC, "allocation per request, in a heap bounded at 40 % of 512Mi"),
            Map.entry(JIT, "compilation, mostly done before the measured window; an AOT cache with profiles (JDK 25) starts warmer"),
            Map.entry("context propagation (SmallRye)", "context captured and restored at every Uni/CompletionStage hop: fewer "
                    + "asynchronous hops on the hot path"),
            Map.entry("application: rate limiter", "points spent in memory; a lease from the shared bucket per half lease of requests"),
            Map.entry("application: authentication filter", "the token hash (SHA-256) and cache look-up per request"),
            Map.entry("JSON (Jackson)", "the response body's serialization"),
            Map.entry("PostgreSQL client (Vert.x)", "encoding, decoding and pooling per statement: fewer statements per request"));

    private Flames() {
    }

    static Reading read(Path collapsed) {
        List<String> lines;
        try {
            lines = Files.readAllLines(collapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Long> parts = new LinkedHashMap<>();
        Map<String, Long> inclusive = new LinkedHashMap<>();
        Map<String, Long> leaves = new LinkedHashMap<>();
        long samples = 0;
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count;
            try {
                count = Long.parseLong(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            String[] frames = line.substring(0, space).split(";");
            for (int i = 0; i < frames.length; i++) {
                frames[i] = frame(frames[i]);
            }
            samples += count;
            parts.merge(part(frames), count, Long::sum);
            String stack = String.join(";", frames);
            MARKERS.forEach((marker, prefix) -> {
                if (stack.contains(prefix)) {
                    inclusive.merge(marker, count, Long::sum);
                }
            });
            leaves.merge(frames[frames.length - 1], count, Long::sum);
        }
        return new Reading(samples, percent(parts, samples, 100), percent(inclusive, samples, 100), percent(leaves, samples, 15));
    }

    /** A frame without async-profiler's suffixes ({@code _[j]}, {@code _[i]}, ...), Java classes with dots. */
    private static String frame(String raw) {
        String frame = raw.replaceAll("_\\[[a-z0-9]\\]$", "");
        return frame.contains("/") && !frame.startsWith("[") && !frame.contains(" ") ? frame.replace('/', '.') : frame;
    }

    private static String part(String[] frames) {
        String leaf = frames[frames.length - 1];
        if (WRITE.matcher(leaf).matches()) {
            return WRITES;
        }
        if (READ.matcher(leaf).matches()) {
            return READS;
        }
        if (EPOLL.matcher(leaf).matches()) {
            return POLLING;
        }
        if (THREADS.matcher(leaf).matches()) {
            return HAND_OFFS;
        }
        boolean java = false;
        for (String frame : frames) {
            if (frame.contains("CompileBroker::") || frame.startsWith("C2Compiler") || frame.startsWith("Compile::")
                    || frame.startsWith("C1_") || frame.startsWith("Compilation::")) {
                return JIT;
            }
            if (frame.contains("GCTaskThread") || frame.contains("Scavenge") || frame.contains("ParallelCompact") || frame.contains("G1")
                    || frame.startsWith("SerialHeap") || frame.startsWith("ParallelScavengeHeap") || frame.startsWith("PSParallel")) {
                return GC;
            }
            java |= isJava(frame);
        }
        for (int i = frames.length - 1; i >= 0; i--) {
            String frame = frames[i];
            if (!isJava(frame)) {
                continue;
            }
            for (var entry : PACKAGES.entrySet()) {
                if (frame.startsWith(entry.getKey())) {
                    return entry.getValue();
                }
            }
            if (!(frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.") || frame.startsWith("com.sun."))) {
                return "other library: " + frame.substring(0, Math.max(0, nthDot(frame, 2)));
            }
        }
        if (java) {
            return isJava(leaf) ? JDK : OTHER_NATIVE;
        }
        return leaf.contains("::") || leaf.startsWith("[") ? JVM : OTHER_NATIVE;
    }

    private static boolean isJava(String frame) {
        return frame.indexOf('.') > 0 && !frame.contains("::") && !frame.startsWith("[") && !frame.contains(" ") && !frame.contains("@")
                && Character.isLowerCase(frame.charAt(0));
    }

    private static int nthDot(String frame, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            int next = frame.indexOf('.', at + 1);
            if (next < 0) {
                return frame.length();
            }
            at = next;
        }
        return at;
    }

    private static Map<String, Double> percent(Map<String, Long> counts, long total, int limit) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> total == 0 ? 0.0 : entry.getValue() * 100.0 / total,
                        (a, b) -> a, LinkedHashMap::new));
    }
}
