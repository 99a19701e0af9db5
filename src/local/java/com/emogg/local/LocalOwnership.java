package com.emogg.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Which JVM owns a local data folder, and what to do with the leftovers of one that was killed.
 *
 * <p>PostgreSQL daemonises: when the JVM that started it dies without running its hooks (SIGKILL),
 * the server stays up. The next run finds the dead owner and stops that server before reusing or
 * deleting the folder, so no process outlives its run for long.
 */
final class LocalOwnership {

    private static final Logger LOG = Logger.getLogger("com.emogg.local");
    private static final String OWNER_FILE = "owner.pid";

    private LocalOwnership() {
    }

    /** Claims {@code dir} for this JVM; fails when another live JVM holds it. */
    static void claim(Path dir) {
        try {
            Files.createDirectories(dir);
            Optional<Long> owner = owner(dir);
            long self = ProcessHandle.current().pid();
            if (owner.isPresent() && owner.get() != self && isAlive(owner.get())) {
                throw new IllegalStateException("The local data folder " + dir + " is used by another running process (pid "
                        + owner.get() + "). Stop that run first, or point emogg.local.data-dir elsewhere.");
            }
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(self));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server of a previous run still running in {@code dataDir}, if its owner is gone. */
    static void stopOrphanedPostgres(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try (Stream<String> lines = Files.lines(pidFile)) {
            long pid = Long.parseLong(lines.findFirst().orElse("").trim());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(process -> {
                LOG.warnf("stopping orphaned PostgreSQL pid %d (%s)", pid, dataDir);
                process.destroy();
                try {
                    process.onExit().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    process.destroyForcibly();
                }
            });
        } catch (IOException | NumberFormatException e) {
            LOG.debugf("no readable postmaster.pid in %s: %s", dataDir, e.getMessage());
        }
    }

    /** Removes the per-JVM folders under {@code root} whose owner died, stopping their servers first. */
    static void removeAbandoned(Path root, String prefix) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> children = Files.list(root)) {
            children.filter(dir -> dir.getFileName().toString().startsWith(prefix))
                    .filter(dir -> owner(dir).map(pid -> !isAlive(pid)).orElse(true))
                    .forEach(dir -> {
                        stopOrphanedPostgres(dir.resolve("postgres"));
                        deleteRecursively(dir);
                    });
        } catch (IOException e) {
            LOG.debugf("could not scan %s: %s", root, e.getMessage());
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }

    private static Optional<Long> owner(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
