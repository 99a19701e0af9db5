package com.emogg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which process used the CPU during a run, from {@code /proc}: the application, PostgreSQL (the
 * postmaster, its live backends, and the backends it already reaped), Kafka, the harness itself (the
 * load generator), pgbench, and "other" (the rest of the machine: on a shared machine, someone
 * else's build). In percent of one core, so 200 % is the whole 2-core machine. This is what tells
 * which process limited a run.
 */
final class CpuMeter {

    /** Ticks per second of /proc's times; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    private final Map<String, Supplier<Long>> groups = new LinkedHashMap<>();

    void track(String name, Supplier<Long> pid) {
        groups.put(name, pid);
    }

    record Snapshot(long nanos, Map<String, Long> ticks, long machineBusy) {
    }

    Snapshot snapshot() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        groups.forEach((name, pid) -> ticks.put(name, ticksOf(name, pid.get())));
        long self = ProcessHandle.current().pid();
        long[] own = times(self);
        ticks.put("harness", own[0] + own[1]);
        // pgbench is a child of the harness: once reaped, its time is in the harness's children's time
        ticks.put("pgbench", own[2] + own[3]);
        return new Snapshot(System.nanoTime(), ticks, machineBusy());
    }

    /** Percent of one core per group between two snapshots, plus "machine" and "other". */
    static Map<String, Double> between(Snapshot before, Snapshot after) {
        double seconds = (after.nanos - before.nanos) / 1e9;
        Map<String, Double> percent = new LinkedHashMap<>();
        double ours = 0;
        for (var entry : after.ticks.entrySet()) {
            long start = before.ticks.getOrDefault(entry.getKey(), 0L);
            double value = Math.max(0, (entry.getValue() - start) / TICKS / seconds * 100);
            percent.put(entry.getKey(), value);
            ours += value;
        }
        double machine = (after.machineBusy - before.machineBusy) / TICKS / seconds * 100;
        percent.put("other", Math.max(0, machine - ours));
        percent.put("machine", machine);
        return percent;
    }

    private static long ticksOf(String name, long pid) {
        if (pid <= 0) {
            return 0;
        }
        long[] times = times(pid);
        long total = times[0] + times[1];
        if (name.equals("postgres")) {
            // the postmaster's reaped children (backends that ended) and its live ones
            total += times[2] + times[3];
            List<ProcessHandle> descendants = ProcessHandle.of(pid).map(handle -> handle.descendants().toList()).orElse(List.of());
            for (ProcessHandle child : descendants) {
                long[] childTimes = times(child.pid());
                total += childTimes[0] + childTimes[1];
            }
        }
        return total;
    }

    /** utime, stime, cutime, cstime of a process; zeros when it is gone. */
    private static long[] times(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is the state (field 3 of proc(5)); utime is field 14
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]), Long.parseLong(fields[14])};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }

    /** All CPUs' busy ticks (everything but idle and iowait) from /proc/stat. */
    private static long machineBusy() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** "app 120 %, postgres 60 %, ..." for the report. */
    static String describe(Map<String, Double> percent) {
        StringBuilder text = new StringBuilder();
        percent.forEach((name, value) -> {
            if (value >= 0.5 || name.equals("machine")) {
                if (text.length() > 0) {
                    text.append(", ");
                }
                text.append(name).append(' ').append(Math.round(value)).append('%');
            }
        });
        return text.toString();
    }
}
