package com.emogg.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * One measured run, of the application (HTTP) or of its pgbench baseline: what went through in the
 * measured window, its latencies in milliseconds, the errors by kind, and the CPU each process used
 * meanwhile (filled in by {@link CpuMeter}). {@code variant} says who was measured: "app",
 * "pgbench", "app+ratelimit", ...
 */
final class RunResult {

    final String scenario;
    final String variant;
    final int connections;
    /** Requests per second the run was paced at; 0 for a closed loop (as fast as it goes). */
    final double targetRate;
    final double seconds;
    final long requests;
    final double throughput;
    final double p50;
    final double p90;
    final double p99;
    final double p999;
    final double max;
    final Map<String, Long> errors;
    long connectionsOpened = -1;
    /** Successful requests of the whole run, warm-up included (what the stop pool had to supply). */
    long allRequests = -1;
    Map<String, Double> cpu = new LinkedHashMap<>();
    String note = "";

    RunResult(String scenario, String variant, int connections, double targetRate, double seconds, Histogram latencyMicros,
            Map<String, Long> errors) {
        this.scenario = scenario;
        this.variant = variant;
        this.connections = connections;
        this.targetRate = targetRate;
        this.seconds = seconds;
        this.requests = latencyMicros.getTotalCount();
        this.throughput = seconds > 0 ? requests / seconds : 0;
        boolean empty = requests == 0;
        this.p50 = empty ? Double.NaN : latencyMicros.getValueAtPercentile(50) / 1000.0;
        this.p90 = empty ? Double.NaN : latencyMicros.getValueAtPercentile(90) / 1000.0;
        this.p99 = empty ? Double.NaN : latencyMicros.getValueAtPercentile(99) / 1000.0;
        this.p999 = empty ? Double.NaN : latencyMicros.getValueAtPercentile(99.9) / 1000.0;
        this.max = empty ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        this.errors = new TreeMap<>(errors);
    }

    static final String REFUSED = "HTTP 429";
    static final String REFUSED_IN_WARMUP = "HTTP 429 (warm-up)";

    /** Requests the rate limiter refused, warm-up included. */
    long refused() {
        return errors.getOrDefault(REFUSED, 0L) + errors.getOrDefault(REFUSED_IN_WARMUP, 0L);
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    String label() {
        return scenario + " " + variant + " c=" + connections + (targetRate > 0 ? " @" + Progress.count(targetRate) + "/s" : "");
    }

    /** "5,432/s  p50 1.20  p99 4.10  p99.9 9.80 ms" */
    String summary(String unit) {
        return Progress.count(throughput) + " " + unit + " (p50 " + Progress.ms(p50) + " / p99 " + Progress.ms(p99)
                + " / p99.9 " + Progress.ms(p999) + " ms)";
    }

    /** A latency histogram with the range every run needs: 1 µs to 5 minutes, 3 significant digits. */
    static Histogram newHistogram() {
        return new Histogram(1, 300_000_000L, 3);
    }
}
