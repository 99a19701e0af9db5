package com.emogg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.emogg.testing.Folders;

/**
 * Item 7: how long a replica takes from launch to its first served request, and what it holds in
 * memory under load, on each JVM of the machine (Java 17, what the image runs today, and Temurin 25
 * when installed), each plain and with its class archive: on 17 a dynamic AppCDS archive
 * ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}), on 25 the AOT cache of
 * JEP 483/514/515 ({@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}: classes loaded and linked,
 * plus method profiles). Each archive comes from a training run of the api under the same load as
 * the JIT warm-up, written when that JVM exits. Every start is a restart on the seeded database
 * (what a rolling update or a scale-out waits for), with the deployed JVM options; the target is
 * half of Java 17's plain start.
 */
final class StartScenario {

    /** One JVM and how it writes and uses its class archive. */
    private record Jvm(String name, String binary, String writeFlag, String useFlag, String archiveName) {
    }

    private record Variant(String label, Jvm jvm, List<String> flags) {
    }

    private record Starts(Variant variant, List<Long> ready, List<Long> firstRequest, List<Long> cpu, double rssMiB, double getThroughput,
            double stopThroughput) {

        long medianFirstRequest() {
            return median(firstRequest);
        }
    }

    private final Harness harness;
    private final Runnable warmUp;

    StartScenario(Harness harness, Runnable warmUp) {
        this.harness = harness;
        this.warmUp = warmUp;
    }

    void run() {
        Settings settings = harness.settings;
        Path dir = settings.outDir().resolve("class-archives");
        Folders.deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Jvm> jvms = new ArrayList<>();
        jvms.add(new Jvm("Java " + Machine.javaFeature(settings.appJava()), settings.appJava(), "-XX:ArchiveClassesAtExit=",
                "-XX:SharedArchiveFile=", "appcds.jsa"));
        String other = System.getProperty("bench.java25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        if (Files.isExecutable(Path.of(other)) && !other.equals(settings.appJava())) {
            jvms.add(new Jvm("Java " + Machine.javaFeature(other), other, "-XX:AOTCacheOutput=", "-XX:AOTCache=", "app.aot"));
        } else {
            harness.report.note("item 7: no second JVM at " + other + " (-Dbench.java25=...): only " + jvms.get(0).name + " measured");
        }
        int starts = settings.smoke() ? 1 : 3;
        List<Starts> results = new ArrayList<>();
        for (Jvm jvm : jvms) {
            results.add(measure(new Variant(jvm.name, jvm, List.of()), starts));
            Path archive = dir.resolve(jvm.archiveName);
            if (train(jvm, archive)) {
                String kind = jvm.useFlag.contains("AOT") ? "AOT cache" : "AppCDS archive";
                results.add(measure(new Variant(jvm.name + " + " + kind, jvm, List.of(jvm.useFlag + archive)), starts));
            }
        }
        Starts baseline = results.get(0);
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        for (Starts result : results) {
            double ratio = (double) result.medianFirstRequest() / baseline.medianFirstRequest();
            boolean isBaseline = result == baseline;
            harness.report.row("7 api start", result.variant.label + ": launch to ready / to the first served request (median of "
                    + result.ready.size() + " restarts)", median(result.ready) + " ms / " + result.medianFirstRequest() + " ms (each: "
                    + result.firstRequest + ")", isBaseline ? "-" : baseline.variant.label + " " + baseline.medianFirstRequest() + " ms",
                    isBaseline ? "-" : Report.ratio(ratio), isBaseline ? "-" : "<= 0.5x", isBaseline ? "-" : Report.met(ratio <= 0.5));
            double cpuRatio = (double) median(result.cpu) / median(baseline.cpu);
            harness.report.row("7 api start", result.variant.label + ": CPU time used by the first served request (median; "
                    + "the wall time above depends on what else runs)", median(result.cpu) + " ms (each: " + result.cpu + ")",
                    isBaseline ? "-" : baseline.variant.label + " " + median(baseline.cpu) + " ms", isBaseline ? "-" : Report.ratio(cpuRatio),
                    isBaseline ? "-" : "<= 0.5x", isBaseline ? "-" : Report.met(cpuRatio <= 0.5));
            harness.report.figure("start." + result.variant.label.replace(' ', '_') + ".cpuToFirstRequestMedianMs", median(result.cpu));
            harness.report.row("7 api memory", result.variant.label + ": peak RSS (VmHWM) after GET and stop load, deployed heap",
                    String.format(java.util.Locale.ROOT, "%.0f MB (GET %s req/s, stop %s req/s)", result.rssMiB,
                            Progress.count(result.getThroughput), Progress.count(result.stopThroughput)), "-", "-", "<= 300 MB",
                    Report.met(result.rssMiB <= 300));
            String key = result.variant.label.replace(' ', '_');
            harness.report.figure("start." + key + ".firstRequestMedianMs", result.medianFirstRequest());
            harness.report.figure("start." + key + ".readyMedianMs", median(result.ready));
            harness.report.figure("memory." + key + ".vmHwmMiB", result.rssMiB);
            bars.put(result.variant.label, Report.values("ready", median(result.ready), "first request", result.medianFirstRequest()));
        }
        harness.report.barChart("chart-7-start.png", "Item 7: launch to ready and to the first served request (ms, median)", "ms", bars);
    }

    /** Restarts the api {@code count} times on this variant, then loads the last one and reads its memory. */
    private Starts measure(Variant variant, int count) {
        List<Long> ready = new ArrayList<>();
        List<Long> first = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        App app = null;
        for (int i = 1; i <= count; i++) {
            app = harness.startApi(name(variant) + "-" + i, Map.of(), variant.jvm.binary, variant.flags);
            ready.add(app.ready.toMillis());
            first.add(app.firstRequest == null ? -1 : app.firstRequest.toMillis());
            cpu.add(app.cpuToFirstRequestMillis);
            warnings(app);
            if (i < count) {
                harness.stopApi();
            }
        }
        Settings settings = harness.settings;
        RunResult get = harness.checkedHttp("get", "app " + variant.label, Workloads.get(settings.stopPool(), harness.users),
                settings.referenceConnections());
        harness.resetStopPool();
        RunResult stop = harness.checkedHttp("stop", "app " + variant.label, new StopWorkload(settings.stopPool(), harness.users, false),
                settings.referenceConnections());
        double[] memory = app.memoryMiB();
        Progress.line("%s: first request %s ms (CPU %s ms), VmHWM %.0f MiB under load", variant.label, first, cpu, memory[0]);
        harness.stopApi();
        return new Starts(variant, ready, first, cpu, memory[0], get.throughput, stop.throughput);
    }

    /**
     * A training run: the api on {@code jvm} writing its archive at exit, under the JIT warm-up's
     * load (get, stop, list), then stopped with SIGTERM and time to write. False when nothing was written.
     */
    private boolean train(Jvm jvm, Path archive) {
        App training = harness.startApi(name(new Variant(jvm.name, jvm, List.of())) + "-training", Map.of(), jvm.binary,
                List.of(jvm.writeFlag + archive));
        warmUp.run();
        long started = System.nanoTime();
        // writing an AOT cache forks a JVM that assembles it: minutes on a loaded machine
        training.close(600);
        harness.stopApi();
        boolean written = Files.exists(archive);
        long size = written ? archive.toFile().length() : 0;
        harness.report.note("item 7: " + jvm.name + " training run " + (written ? "wrote " + archive.getFileName() + " ("
                + size / (1024 * 1024) + " MB) in " + (System.nanoTime() - started) / 1_000_000 + " ms after SIGTERM"
                : "wrote no archive (see " + harness.report.relative(training.log()) + ")"));
        return written;
    }

    /** The JVM's complaints about the archive (a mismatch makes it run without, silently slower). */
    private void warnings(App app) {
        try {
            List<String> lines = Files.readAllLines(app.log()).stream()
                    .filter(line -> line.contains("[cds") || line.contains("[aot") || line.contains("AOTCache") || line.contains("SharedArchiveFile"))
                    .filter(line -> line.contains("warning") || line.contains("error") || line.contains("Unable"))
                    .limit(3).toList();
            if (!lines.isEmpty()) {
                harness.report.note("item 7: " + app.name + " said about its archive: " + String.join(" / ", lines));
            }
        } catch (IOException e) {
            // no log, no warning to report
        }
    }

    private static String name(Variant variant) {
        return "api-" + variant.label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
