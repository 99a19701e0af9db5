package com.emogg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a bench run found: {@code report.md} (the machine, one table of every scenario beside its
 * baseline with the ratio and the target, the charts, every run with its CPU by process, notes and
 * the baselines' pgbench scripts), {@code results.csv} (one line per run) and
 * {@code results.json} (everything, raw). The table is also printed at the end of the run.
 */
final class Report {

    /** One line of the table; {@code met} is yes, no, or "-" where there is no target. */
    record Row(String scenario, String measure, String app, String baseline, String ratio, String target, String met) {
    }

    private record SweepChart(String file, String title, String scenario) {
    }

    private record BarChart(String file, String title, String axis, Map<String, Map<String, Double>> values) {
    }

    private record Profile(String name, String run, double throughput, Flames.Reading reading, String html) {
    }

    /** Why a target row came out as it did: the runs behind it, with their CPU split (and profile, if any). */
    private record Why(Row row, RunResult app, RunResult baseline) {
    }

    private final Settings settings;
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<RunResult> runs = new ArrayList<>();
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> scripts = new LinkedHashMap<>();
    private final List<SweepChart> sweepCharts = new ArrayList<>();
    private final List<BarChart> barCharts = new ArrayList<>();
    private final List<Profile> profiles = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private final List<Why> whys = new ArrayList<>();

    Report(Settings settings) {
        this.settings = settings;
    }

    void machine(String key, String value) {
        machine.put(key, value);
    }

    void machine(Map<String, String> values) {
        machine.putAll(values);
    }

    void run(RunResult run) {
        runs.add(run);
    }

    List<RunResult> runs(String scenario, String variant) {
        return runs.stream().filter(run -> run.scenario.equals(scenario) && run.variant.equals(variant) && run.targetRate == 0).toList();
    }

    void row(String scenario, String measure, String app, String baseline, String ratio, String target, String met) {
        rows.add(new Row(scenario, measure, app, baseline, ratio, target, met));
    }

    /** A throughput row: the ratio app/baseline against a minimum ratio, or the baseline's reason for being absent. */
    void ratioRow(String scenario, String measure, RunResult app, RunResult baseline, String missingBaseline, double minimum, String unit) {
        if (baseline == null) {
            row(scenario, measure, app.summary("req/s"), missingBaseline, "-", ">= " + minimum + "x", "n/a");
            return;
        }
        double ratio = app.throughput / baseline.throughput;
        row(scenario, measure, app.summary("req/s"), baseline.summary(unit), ratio(ratio), ">= " + minimum + "x", met(ratio >= minimum));
        because(app, baseline);
        figure(scenario + "." + measure + ".ratio", ratio);
    }

    /** The runs behind the row just added: the report's targets section gives their CPU split and profile. */
    void because(RunResult app, RunResult baseline) {
        whys.add(new Why(rows.get(rows.size() - 1), app, baseline));
    }

    /** A profile of the api during {@code run} (its CPU is filled in once the run is measured). */
    void profile(String name, RunResult run, Flames.Reading reading, String html) {
        profiles.add(new Profile(name, run.label(), run.throughput, reading, html));
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("samples", reading.samples());
        figure.put("parts", reading.parts());
        figure.put("inclusive", reading.inclusive());
        figure.put("leaves", reading.leaves());
        figure.put("html", html);
        figures.put("profile." + name, figure);
    }

    /** A path under the output folder, as the report links it. */
    String relative(Path file) {
        return settings.outDir().relativize(file).toString();
    }

    /** A paragraph of the "Targets" section: a figure, met or not, and why (issue 15's items 2-7). */
    void finding(String text) {
        findings.add(text);
    }

    void figure(String key, Object value) {
        figures.put(key, value);
    }

    void note(String text) {
        notes.add(text);
        Progress.line("note: %s", text);
    }

    void script(String name, String text) {
        scripts.put(name, text);
    }

    void sweepChart(String file, String title, String scenario) {
        sweepCharts.add(new SweepChart(file, title, scenario));
    }

    void barChart(String file, String title, String axis, Map<String, Map<String, Double>> values) {
        barCharts.add(new BarChart(file, title, axis, values));
    }

    /** Category to value, in the order given: {@code values("p50", 1.0, "p99", 4.0)}. */
    static Map<String, Double> values(Object... categoriesAndValues) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < categoriesAndValues.length; i += 2) {
            values.put((String) categoriesAndValues[i], ((Number) categoriesAndValues[i + 1]).doubleValue());
        }
        return values;
    }

    /** " (pgbench 32: the app's pool)" when the baseline ran from fewer connections than the HTTP clients, else "". */
    static String baselineConnections(int http, int baseline) {
        return http == baseline ? "" : " (pgbench c=" + baseline + ": the app's pool)";
    }

    static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2fx", value);
    }

    static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    /** Writes every file; answers the report's path. */
    Path write() {
        Path dir = settings.outDir();
        try {
            Files.createDirectories(dir);
            for (SweepChart chart : sweepCharts) {
                Charts.latencyVsThroughput(dir.resolve(chart.file), chart.title, runs(chart.scenario, "app"), runs(chart.scenario, "pgbench"));
            }
            for (BarChart chart : barCharts) {
                Charts.bars(dir.resolve(chart.file), chart.title, chart.axis, chart.values);
            }
            Files.writeString(dir.resolve("results.csv"), csv());
            Files.writeString(dir.resolve("results.json"), json());
            Path report = dir.resolve("report.md");
            Files.writeString(report, markdown());
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String table() {
        StringBuilder text = new StringBuilder();
        text.append("| scenario | measure | application | baseline | ratio | target | met |\n");
        text.append("|---|---|---|---|---|---|---|\n");
        List<Row> sorted = new ArrayList<>(rows);
        // by scenario number (rows are added in the order scenarios run, which is not 1..7)
        sorted.sort(java.util.Comparator.comparingInt(row -> Character.isDigit(row.scenario.charAt(0)) ? row.scenario.charAt(0) : '9'));
        for (Row row : sorted) {
            text.append("| ").append(String.join(" | ", row.scenario, row.measure, row.app, row.baseline, row.ratio, row.target, row.met))
                    .append(" |\n");
        }
        long targets = rows.stream().filter(row -> !row.met.equals("-") && !row.met.equals("n/a")).count();
        long met = rows.stream().filter(row -> row.met.equals("yes")).count();
        text.append("\nTargets met: ").append(met).append(" of ").append(targets).append(".\n");
        return text.toString();
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Emogg benchmark report\n\n");
        if (settings.smoke()) {
            md.append("> **Smoke run** (`-Dbench.smoke=true`): tiny durations and sizes, only to prove that the harness works. "
                    + "Its figures mean nothing; run `./mvnw -Pbench verify` for the real ones.\n\n");
        }
        md.append("Every figure is a ratio against a baseline measured in the same run, on the same machine, against the same "
                + "servers: these machines are shared and noisy, so absolute numbers do not carry over from one run to another.\n\n");
        md.append("## Machine and settings\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value.replace("|", "/")).append(" |\n"));
        md.append("| warm-up / measurement per point | ").append(settings.warmup().toSeconds()).append(" s / ")
                .append(settings.measure().toSeconds()).append(" s |\n");
        md.append("| connection sweep | ").append(settings.connections()).append(" |\n");
        md.append("| application JVM options | ").append(settings.appJvmArgs().isEmpty() ? "none (JVM defaults)"
                : String.join(" ", settings.appJvmArgs())).append(" |\n\n");

        md.append("## Results\n\n").append(table()).append('\n');

        if (!findings.isEmpty() || !whys.isEmpty()) {
            md.append("## The targets, met or not, and why\n\n");
            md.append("CPU in % of one core (").append(Runtime.getRuntime().availableProcessors() * 100)
                    .append(" % is the whole machine) while each run behind a target ran: the process near what it can use is the limit; "
                            + "a machine far from saturated waits on something else (durable commits: the disk's fsync).\n\n");
            for (Why why : whys) {
                md.append("- **").append(why.row.scenario).append(", ").append(why.row.measure).append("**: ")
                        .append(why.row.ratio.equals("-") ? why.row.app : why.row.ratio).append(", target ").append(why.row.target)
                        .append(", met: ").append(why.row.met).append(". ").append(cpuWhy("application", why.app));
                if (why.baseline != null) {
                    md.append(" ").append(cpuWhy(why.baseline.variant.equals("pgbench") ? "pgbench" : "reference", why.baseline));
                }
                profiles.stream().filter(profile -> profile.run.replace(" profiled", "").equals(why.app.label())).findFirst()
                        .ifPresent(profile -> md.append(" Profile: [").append(profile.name).append("](").append(profile.html)
                                .append("), see below: ").append(topParts(profile.reading)).append('.'));
                md.append('\n');
            }
            findings.forEach(finding -> md.append("- ").append(finding).append('\n'));
            md.append('\n');
        }
        if (!profiles.isEmpty()) {
            md.append(profilesMarkdown());
        }

        md.append("## Charts\n\n");
        sweepCharts.forEach(chart -> md.append("![").append(chart.title).append("](").append(chart.file).append(")\n\n"));
        barCharts.forEach(chart -> md.append("![").append(chart.title).append("](").append(chart.file).append(")\n\n"));

        md.append("## Every run\n\nThroughput and latencies of the measured window only (warm-up excluded). CPU in % of one core "
                + "(the machine has ").append(Runtime.getRuntime().availableProcessors()).append(" cores, so ")
                .append(Runtime.getRuntime().availableProcessors() * 100)
                .append(" % is all of it); \"harness\" includes the load generator, \"other\" is whatever else ran on the machine.\n\n");
        md.append("| run | throughput /s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | measured | errors | conns | CPU |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs) {
            md.append("| ").append(run.label()).append(" | ").append(Progress.count(run.throughput)).append(" | ")
                    .append(Progress.ms(run.p50)).append(" | ").append(Progress.ms(run.p90)).append(" | ").append(Progress.ms(run.p99))
                    .append(" | ").append(Progress.ms(run.p999)).append(" | ").append(Progress.ms(run.max)).append(" | ")
                    .append(Progress.count(run.requests)).append(" in ").append(String.format(Locale.ROOT, "%.1f s", run.seconds))
                    .append(" | ").append(run.errors.isEmpty() ? "0" : run.errors.toString()).append(" | ")
                    .append(run.connectionsOpened).append(" | ").append(CpuMeter.describe(run.cpu)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        if (!scripts.isEmpty()) {
            md.append("\n## The baselines' pgbench scripts\n\nMade at run time from the application's own statements "
                    + "(`SessionSql.STOP`, `GET`, `LIST`, read by reflection); only the parameters `$n` are replaced. Run as "
                    + "`pgbench -n -M prepared -c N -j 2 -T secs -l -f script` against the same database.\n");
            scripts.forEach((name, script) -> md.append("\n").append(name).append(":\n\n```sql\n").append(script).append("```\n"));
        }
        md.append("\nRaw numbers: `results.csv` (one line per run) and `results.json` (everything).\n");
        return md.toString();
    }

    /** "application: machine 190 % of 200 % (saturated): api 120 %, postgres 50 %, ..." */
    static String cpuWhy(String who, RunResult run) {
        if (run.cpu.isEmpty()) {
            return "";
        }
        double capacity = Runtime.getRuntime().availableProcessors() * 100.0;
        double machine = run.cpu.getOrDefault("machine", 0.0);
        Map<String, Double> parts = new LinkedHashMap<>(run.cpu);
        parts.remove("machine");
        String top = parts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("?");
        return who + " run: machine " + Math.round(machine) + " % of " + Math.round(capacity) + " %"
                + (machine >= 0.9 * capacity ? " (saturated; most: " + top + ")" : " (not saturated: waits, not CPU, bound it)") + ": "
                + CpuMeter.describe(parts) + ".";
    }

    /** The three largest parts of a profile, for one line. */
    static String topParts(Flames.Reading reading) {
        List<String> top = new ArrayList<>();
        reading.parts().entrySet().stream().limit(3)
                .forEach(part -> top.add(part.getKey() + " " + String.format(Locale.ROOT, "%.0f", part.getValue()) + " %"));
        return String.join(", ", top);
    }

    private String profilesMarkdown() {
        StringBuilder md = new StringBuilder("## Where the api's CPU goes (async-profiler)\n\n");
        md.append("Sampled on `itimer` every ").append(Profiler.INTERVAL).append(" of the api's CPU time during the measured window "
                + "(`-Dbench.profile=true`). Open the flame graphs in a browser. Each sample is charged to one part: the system call "
                + "it sits in, the JIT compilers or the GC, or else the innermost library or application package on its stack (JDK frames "
                + "passed over); the parts add up to 100 %. The inclusive column counts a part wherever it is on the stack.\n\n");
        for (Profile profile : profiles) {
            md.append("### ").append(profile.name).append(" (").append(profile.run).append(", ").append(Progress.count(profile.throughput))
                    .append("/s)\n\n[flame graph](").append(profile.html).append("), ").append(Progress.count(profile.reading.samples()))
                    .append(" samples.\n\n| part (self) | % of the api's CPU | what could cut it |\n|---|---|---|\n");
            profile.reading.parts().forEach((part, percent) -> {
                if (percent >= 1.0) {
                    md.append("| ").append(part).append(" | ").append(String.format(Locale.ROOT, "%.1f", percent)).append(" | ")
                            .append(Flames.CUTS.getOrDefault(part, "")).append(" |\n");
                }
            });
            md.append("\n| on the stack (inclusive) | % |\n|---|---|\n");
            profile.reading.inclusive().forEach((part, percent) -> md.append("| ").append(part).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", percent)).append(" |\n"));
            md.append("\nHottest leaf frames: ");
            List<String> leaves = new ArrayList<>();
            profile.reading.leaves().forEach((leaf, percent) -> leaves.add("`" + leaf + "` " + String.format(Locale.ROOT, "%.1f", percent) + " %"));
            md.append(String.join(", ", leaves)).append(".\n\n");
        }
        return md.toString();
    }

    private String csv() {
        List<String> cpuNames = runs.stream().flatMap(run -> run.cpu.keySet().stream()).distinct().toList();
        StringBuilder csv = new StringBuilder("scenario,variant,connections,target_rate,seconds,requests,throughput,p50_ms,p90_ms,"
                + "p99_ms,p999_ms,max_ms,errors,connections_opened,all_requests");
        cpuNames.forEach(name -> csv.append(",cpu_").append(name).append("_pct"));
        csv.append(",note\n");
        for (RunResult run : runs) {
            csv.append(String.join(",", run.scenario, run.variant, Integer.toString(run.connections), number(run.targetRate),
                    number(run.seconds), Long.toString(run.requests), number(run.throughput), number(run.p50), number(run.p90),
                    number(run.p99), number(run.p999), number(run.max), Long.toString(run.errorCount()),
                    Long.toString(run.connectionsOpened), Long.toString(run.allRequests)));
            cpuNames.forEach(name -> csv.append(',').append(number(run.cpu.getOrDefault(name, Double.NaN))));
            csv.append(",\"").append(run.note.replace("\"", "\"\"")).append("\"\n");
        }
        return csv.toString();
    }

    private String json() throws IOException {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("smoke", settings.smoke());
        all.put("machine", machine);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("warmupSeconds", settings.warmup().toSeconds());
        config.put("measureSeconds", settings.measure().toSeconds());
        config.put("connections", settings.connections());
        config.put("scenarios", settings.scenarios());
        config.put("stopPool", settings.stopPool());
        config.put("listSessions", settings.listSessions());
        config.put("users", settings.users());
        config.put("appPool", settings.appPool());
        config.put("baselineAuth", settings.baselineAuth());
        config.put("profile", settings.profile());
        config.put("appJava", settings.appJava());
        config.put("drainRows", settings.drainRows());
        config.put("stoppedSessions", settings.stoppedSessions());
        config.put("appJvmArgs", settings.appJvmArgs());
        all.put("settings", config);
        all.put("rows", rows);
        List<Map<String, Object>> runList = new ArrayList<>();
        for (RunResult run : runs) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("scenario", run.scenario);
            item.put("variant", run.variant);
            item.put("connections", run.connections);
            item.put("targetRate", run.targetRate);
            item.put("seconds", run.seconds);
            item.put("requests", run.requests);
            item.put("allRequests", run.allRequests);
            item.put("throughput", run.throughput);
            item.put("p50Ms", nullIfNaN(run.p50));
            item.put("p90Ms", nullIfNaN(run.p90));
            item.put("p99Ms", nullIfNaN(run.p99));
            item.put("p999Ms", nullIfNaN(run.p999));
            item.put("maxMs", nullIfNaN(run.max));
            item.put("errors", run.errors);
            item.put("connectionsOpened", run.connectionsOpened);
            item.put("cpuPercent", run.cpu);
            item.put("note", run.note);
            runList.add(item);
        }
        all.put("runs", runList);
        all.put("figures", figures);
        all.put("notes", notes);
        all.put("scripts", scripts);
        return Api.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(all);
    }

    private static Object nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
    }
}
