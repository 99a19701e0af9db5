package com.emogg.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.sun.tools.attach.VirtualMachine;

/**
 * async-profiler (Maven Central {@code tools.profiler:async-profiler}, whose jar carries the Linux
 * library) attached to the api process during the measured window of a run, with
 * {@code -Dbench.profile=true}. Sampling on {@code itimer} (CPU time of the process, no perf
 * events: {@code perf_event_paranoid} is 2 on these machines), every {@link #INTERVAL}. Each
 * profile gives a flame graph ({@code profiles/NAME.html}, open it in a browser) and the collapsed
 * stacks ({@code NAME.collapsed}) that {@link Flames} reads for the report's breakdown.
 *
 * <p>The agent is loaded through the JDK attach API: {@code jcmd PID JVMTI.agent_load} mangles
 * options that contain '='. The profiler costs the api a few percent of its CPU while it samples,
 * so a profiled run's throughput is a little lower than an unprofiled one.
 */
final class Profiler {

    static final String INTERVAL = "1ms";
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final Path dir;
    private final Path library;

    private Profiler(Path dir, Path library) {
        this.dir = dir;
        this.library = library;
    }

    /** Copies the library out of the async-profiler jar on the class path into {@code dir}. */
    static Profiler install(Path dir) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new IllegalStateException(LIBRARY + " is not on the class path: the bench profile's "
                        + "tools.profiler:async-profiler dependency is missing");
            }
            Files.createDirectories(dir);
            Path library = dir.resolve("libasyncProfiler.so");
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
            return new Profiler(dir, library);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install async-profiler into " + dir, e);
        }
    }

    /**
     * Runs {@code run} (a load run whose measured window starts after {@code warmup}) and profiles
     * process {@code pid} from the end of the warm-up until the run returns; adds the profile's
     * reading to the report.
     */
    RunResult during(String name, long pid, Duration warmup, Report report, Supplier<RunResult> run) {
        CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(warmup.toMillis());
                command(pid, "start,event=itimer,interval=" + INTERVAL);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                Progress.line("profiling %s did not start: %s", name, e.getMessage());
                return false;
            }
        });
        RunResult result = run.get();
        boolean profiling;
        try {
            profiling = started.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            profiling = false;
        }
        if (!profiling) {
            report.note("profile " + name + ": async-profiler could not be attached to the api (pid " + pid + ")");
            return result;
        }
        Path html = dir.resolve(name + ".html");
        Path collapsed = dir.resolve(name + ".collapsed");
        try {
            command(pid, "dump,file=" + html + ",flamegraph,title=" + name.replace(',', ' '));
            command(pid, "stop,file=" + collapsed + ",collapsed");
        } catch (RuntimeException e) {
            report.note("profile " + name + ": async-profiler did not write its output: " + e.getMessage());
            return result;
        }
        result.note = (result.note.isEmpty() ? "" : result.note + "; ") + "profiled (async-profiler, itimer " + INTERVAL + ")";
        report.profile(name, result, Flames.read(collapsed), report.relative(html));
        Progress.line("profile %s: %s", name, report.relative(html));
        return result;
    }

    /** One async-profiler command, through the attach API; the agent stays loaded between commands. */
    private void command(long pid, String options) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgentPath(library.toString(), options);
            } finally {
                vm.detach();
            }
        } catch (Exception e) {
            throw new IllegalStateException("async-profiler " + options + " on pid " + pid + ": " + e.getMessage(), e);
        }
    }
}
