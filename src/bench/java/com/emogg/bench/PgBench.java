package com.emogg.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;

/**
 * PostgreSQL's own limit for a statement: pgbench (Debian's postgresql-client) running it from N
 * connections, prepared, as fast as it goes, against the same server the application uses. One
 * pgbench run covers warm-up and measurement; its per-transaction log ({@code -l}) gives the
 * latencies, and only the transactions that completed in the measured window count, exactly as
 * for the HTTP runs.
 */
final class PgBench {

    private static final Pattern PROGRESS = Pattern.compile("progress: ([0-9.]+) s, ([0-9.]+) tps, lat ([0-9.]+) ms.*");

    private final Infrastructure infrastructure;
    private final ChildProcesses children;
    private final Path dir;
    private final String binary;

    private PgBench(Infrastructure infrastructure, ChildProcesses children, Path dir, String binary) {
        this.infrastructure = infrastructure;
        this.children = children;
        this.dir = dir;
        this.binary = binary;
    }

    /** Empty when pgbench is not installed: the baselines are then reported as skipped. */
    static Optional<PgBench> find(Infrastructure infrastructure, ChildProcesses children, Path dir) {
        List<String> candidates = new ArrayList<>();
        candidates.add("/usr/bin/pgbench");
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            candidates.add(entry + "/pgbench");
        }
        candidates.add("/usr/lib/postgresql/15/bin/pgbench");
        return candidates.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst()
                .map(path -> new PgBench(infrastructure, children, dir, path));
    }

    static final String MISSING = "skipped: apt-get install postgresql-client-15";

    String version() {
        try {
            Process process = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "pgbench (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "pgbench (version unknown)";
        }
    }

    RunResult run(String scenario, String script, int clients, Duration warmup, Duration measure, Map<String, String> defines) {
        String name = scenario.replace(' ', '-') + "-c" + clients;
        Path runDir = dir.resolve(name);
        Path scriptFile = dir.resolve(name + ".sql");
        try {
            Folders.deleteRecursively(runDir);
            Files.createDirectories(runDir);
            Files.writeString(scriptFile, script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long seconds = warmup.toSeconds() + measure.toSeconds();
        List<String> command = new ArrayList<>(List.of(binary, "-n", "-M", "prepared", "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(2, clients)), "-T", Long.toString(seconds), "-P", "1",
                "-f", scriptFile.toString(), "-h", "127.0.0.1", "-p", Integer.toString(infrastructure.postgresPort()),
                "-U", "postgres", "-l", "--log-prefix=" + runDir.resolve("tx")));
        defines.forEach((key, value) -> {
            command.add("-D");
            command.add(key + "=" + value);
        });
        command.add("postgres");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", "postgres");
        String label = scenario + " pgbench c=" + clients;

        Process process = children.start("pgbench", builder, "pgbench");
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Matcher progress = PROGRESS.matcher(line.trim());
                if (progress.matches()) {
                    long at = (long) Double.parseDouble(progress.group(1));
                    String when = at <= warmup.toSeconds() ? "warm-up " + at + "/" + warmup.toSeconds() + " s"
                            : (at - warmup.toSeconds()) + "/" + measure.toSeconds() + " s";
                    Progress.line("%-28s %-14s %8s tps    avg %6s ms", label, when, Progress.count(Double.parseDouble(progress.group(2))),
                            Progress.ms(Double.parseDouble(progress.group(3))));
                } else {
                    output.add(line);
                }
            }
            if (!process.waitFor(seconds + 60, TimeUnit.SECONDS)) {
                children.stop(process, 5);
                throw new IllegalStateException(label + " did not end");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        children.stop(process, 1);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(label + " failed (exit " + process.exitValue() + "):\n  " + String.join("\n  ", output)
                    + "\nscript " + scriptFile);
        }
        RunResult result = fromLogs(scenario, runDir, clients, warmup, measure);
        if (result.requests == 0) {
            throw new IllegalStateException(label + " completed no transaction in its measured window:\n  " + String.join("\n  ", output));
        }
        return result;
    }

    /**
     * Reads pgbench's per-transaction logs: {@code client_id transaction_no time script_no time_epoch
     * time_us}, with {@code time} the latency in microseconds and the epoch fields its end.
     */
    private static RunResult fromLogs(String scenario, Path runDir, int clients, Duration warmup, Duration measure) {
        List<long[]> transactions = new ArrayList<>();
        Map<String, Long> errors = new TreeMap<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length < 6) {
                        continue;
                    }
                    long end = Long.parseLong(fields[4]) * 1_000_000L + Long.parseLong(fields[5]);
                    if (fields[2].chars().allMatch(Character::isDigit)) {
                        transactions.add(new long[] {end, Long.parseLong(fields[2])});
                    } else {
                        // "failed" or "skipped" instead of a latency
                        transactions.add(new long[] {end, -1});
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long first = transactions.stream().mapToLong(t -> t[0]).min().orElse(0);
        long last = transactions.stream().mapToLong(t -> t[0]).max().orElse(0);
        long windowStart = first + warmup.toNanos() / 1000;
        long windowEnd = Math.min(windowStart + measure.toNanos() / 1000, last + 1);
        Histogram latencies = RunResult.newHistogram();
        for (long[] transaction : transactions) {
            if (transaction[0] >= windowStart && transaction[0] < windowEnd) {
                if (transaction[1] >= 0) {
                    latencies.recordValue(Math.max(1, Math.min(transaction[1], latencies.getHighestTrackableValue())));
                } else {
                    errors.merge("pgbench failed", 1L, Long::sum);
                }
            }
        }
        double seconds = Math.max(1e-9, (windowEnd - windowStart) / 1e6);
        RunResult result = new RunResult(scenario, "pgbench", clients, 0, seconds, latencies, errors);
        result.connectionsOpened = clients;
        result.allRequests = transactions.stream().filter(t -> t[1] >= 0).count();
        return result;
    }
}
