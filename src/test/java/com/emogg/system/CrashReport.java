package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code target/crash/report.md}: the seed and mode (to replay), each schedule's faults with their
 * timings, the operations by kind and status with latencies, the records read per topic, and the
 * invariant violations (0, or the list).
 */
final class CrashReport {

    private CrashReport() {
    }

    static Path write(CrashSettings settings, List<ScheduleResult> results, Duration wallTime) {
        StringBuilder md = new StringBuilder();
        long total = results.stream().mapToLong(result -> result.violations.size()).sum();
        md.append("# Crash matrix report\n\n");
        md.append("- mode: **").append(settings.mode()).append("**, seed **").append(settings.seed()).append("** (replay: `./mvnw verify -Dcrash.mode=")
                .append(settings.mode()).append(" -Dcrash.seed=").append(settings.seed()).append("`)\n");
        md.append("- finished: ").append(Instant.now()).append(", wall time of the matrix ").append(Log.seconds(wallTime)).append('\n');
        md.append("- schedules: ").append(results.size()).append(", faults injected: ")
                .append(results.stream().mapToInt(result -> result.faults.size()).sum()).append(", operations: ")
                .append(results.stream().mapToInt(result -> result.history.size()).sum()).append('\n');
        md.append("- **invariant violations: ").append(total).append("**\n\n");
        for (ScheduleResult result : results) {
            schedule(md, result);
        }
        Path file = settings.outDir().resolve("report.md");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void schedule(StringBuilder md, ScheduleResult result) {
        md.append("## Schedule ").append(result.name).append(" (seed ").append(result.seed).append(")\n\n");
        md.append("Order: ").append(String.join(", ", result.order)).append("; wall time ").append(Log.seconds(result.wallTime))
                .append(". History: `target/crash/").append(result.name).append("/history.jsonl`.\n\n");
        md.append("### Faults injected\n\n| fault | what | at | took | what happened |\n|---|---|---|---|---|\n");
        for (FaultRecord fault : result.faults) {
            md.append("| ").append(fault.id).append(" | ").append(fault.title).append(" | +")
                    .append(Log.seconds(Duration.between(result.started, fault.started))).append(" | ").append(Log.seconds(fault.duration()))
                    .append(" | ").append(String.join("; ", fault.details).replace("|", "/")).append(" |\n");
        }
        md.append("\n### What each fault cost and let happen\n\n| fault | recovered | events delayed | sessions moved | work during and after |\n|---|---|---|---|---|\n");
        for (FaultRecord fault : result.faults) {
            md.append("| ").append(fault.id).append(" | ").append(fault.figures.getOrDefault("recovered", "-")).append(" | ")
                    .append(fault.figures.getOrDefault("events delayed", "-")).append(" | ")
                    .append(fault.figures.getOrDefault("sessions moved", "-")).append(" | ")
                    .append(result.verdict.work.getOrDefault(fault.id, "-")).append(" |\n");
        }
        md.append('\n');
        for (String note : result.notes) {
            md.append("- ").append(note).append('\n');
        }
        md.append("\n### Operations by kind and status\n\n| operation | status | count | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        Map<String, long[]> latencies = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Exchange exchange : result.history) {
            String key = exchange.op() + " | " + exchange.statusText();
            counts.merge(key, 1, Integer::sum);
        }
        for (String key : counts.keySet()) {
            long[] values = result.history.stream().filter(e -> key.equals(e.op() + " | " + e.statusText())).mapToLong(Exchange::latencyMs)
                    .sorted().toArray();
            latencies.put(key, values);
        }
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            long[] values = latencies.get(entry.getKey());
            md.append("| ").append(entry.getKey()).append(" | ").append(entry.getValue()).append(" | ").append(percentile(values, 0.5))
                    .append(" | ").append(percentile(values, 0.99)).append(" | ").append(values.length == 0 ? 0 : values[values.length - 1])
                    .append(" |\n");
        }
        md.append("\nBy phase (the fault being injected when the request was made): ");
        Map<String, Integer> phases = new TreeMap<>();
        result.history.forEach(exchange -> phases.merge(exchange.phase(), 1, Integer::sum));
        md.append(phases).append("\n\n### Records read per topic\n\n| topic | records | injected by the test | distinct ce_id | duplicates |\n|---|---|---|---|---|\n");
        result.verdict.recordsPerTopic.forEach((topic, c) -> md.append("| ").append(topic).append(" | ").append(c.get("records"))
                .append(" | ").append(c.get("injected by the test")).append(" | ").append(c.get("distinct ce_id")).append(" | ")
                .append(c.get("duplicates")).append(" |\n"));
        md.append("\n### Final state\n\n");
        result.verdict.stats.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
        md.append("\n### Invariant violations: ").append(result.violations.size()).append("\n\n");
        result.violations.stream().limit(500).forEach(violation -> md.append("- ").append(violation).append('\n'));
        if (result.violations.size() > 500) {
            md.append("- ... and ").append(result.violations.size() - 500).append(" more\n");
        }
        md.append('\n');
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1 < 0 ? 0 : (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String summary(List<ScheduleResult> results) {
        return Arrays.toString(results.stream().map(result -> result.name + ": " + result.violations.size()).toArray());
    }
}
