package com.emogg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every process a harness starts (Kafka brokers, application replicas, PostgreSQL postmasters,
 * pgbench), so that none outlives it: they end in the normal path (try/finally), on a JVM exit (a
 * shutdown hook) and, when the harness itself was SIGKILLed, in the next run, which reads the pid
 * file and ends what it names, but only a process whose command line still contains the marker it
 * was started with (a recycled pid is left alone). Used by the crash matrix and the benchmarks.
 */
public final class ChildProcesses {

    private record Child(String name, ProcessHandle handle, String marker) {
    }

    private final Path pidFile;
    private final Consumer<String> log;
    private final List<Child> children = new ArrayList<>();

    /** {@code log} receives a line for every process ended on the harness's behalf. */
    public ChildProcesses(Path pidFile, Consumer<String> log) {
        this.pidFile = pidFile;
        this.log = log;
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "child-processes-cleanup"));
    }

    /** Ends the processes that an earlier, killed run left behind. */
    public void reapAbandoned() {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(pidFile)) {
                String[] parts = line.split(" ", 3);
                if (parts.length < 3) {
                    continue;
                }
                Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
                if (handle.isPresent() && handle.get().isAlive()
                        && handle.get().info().commandLine().orElse("").contains(parts[2])) {
                    log.accept("ending " + parts[1] + " (pid " + parts[0] + ") left by an earlier run");
                    kill(handle.get());
                }
            }
            Files.delete(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts and registers a process; {@code marker} is a part of its command line that identifies it later. */
    public synchronized Process start(String name, ProcessBuilder builder, String marker) {
        try {
            Process process = builder.start();
            register(name, process.toHandle(), marker);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + builder.command(), e);
        }
    }

    /** Registers a process started by someone else (PostgreSQL's postmaster, started by pg_ctl). */
    public synchronized void register(String name, ProcessHandle handle, String marker) {
        children.add(new Child(name, handle, marker));
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, handle.pid() + " " + name + " " + marker + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}: a clean shutdown where the process allows one. */
    public synchronized void stop(Process process, int graceSeconds) {
        end(process.toHandle(), graceSeconds);
        children.removeIf(child -> child.handle.pid() == process.pid());
    }

    /** {@link #stop} for every process still running, the last started first. */
    public synchronized void stopAll(int graceSeconds) {
        endAll(child -> {
            log.accept("stopping " + child.name + " (pid " + child.handle.pid() + ")");
            end(child.handle, graceSeconds);
        });
    }

    /** SIGKILL to every process still running, children of theirs included; waits until they are gone. */
    public synchronized void killAll() {
        endAll(child -> {
            log.accept("killing " + child.name + " (pid " + child.handle.pid() + ")");
            kill(child.handle);
        });
    }

    private void endAll(Consumer<Child> end) {
        for (int i = children.size() - 1; i >= 0; i--) {
            Child child = children.get(i);
            if (child.handle.isAlive()) {
                end.accept(child);
            }
        }
        children.clear();
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // the next run checks each pid against its command line anyway
        }
    }

    /** SIGKILL, then its descendants (a postmaster's backends), and wait for all of them to end: a crash. */
    public static void kill(ProcessHandle handle) {
        List<ProcessHandle> descendants = handle.descendants().toList();
        handle.destroyForcibly();
        await(handle, 30);
        for (ProcessHandle descendant : descendants) {
            descendant.destroyForcibly();
            await(descendant, 30);
        }
    }

    private static void end(ProcessHandle handle, int graceSeconds) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(graceSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
            await(handle, 10);
        }
    }

    private static void await(ProcessHandle handle, int seconds) {
        try {
            handle.onExit().get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("pid " + handle.pid() + " did not end within " + seconds + " s", e);
        }
    }
}
