package com.emogg.local;

import java.util.Set;

import org.jboss.logging.Logger;

/**
 * Stops a local server when the JVM exits, but only after the application itself has shut down.
 *
 * <p>JVM shutdown hooks run concurrently: stopping the broker or the database while Quarkus is
 * still flushing its producers and closing its pools produced errors (and, once, a leftover data
 * folder) in the spike. So each hook first waits, with a bound, for Quarkus's own shutdown threads.
 */
final class LocalShutdown {

    private static final Logger LOG = Logger.getLogger("com.emogg.local");
    private static final Set<String> QUARKUS_SHUTDOWN_THREADS = Set.of("Shutdown thread", "Quarkus Main Thread");
    private static final long WAIT_FOR_QUARKUS_MILLIS = 10_000;

    private LocalShutdown() {
    }

    static void onExit(String server, Runnable stop) {
        Thread hook = new Thread(() -> {
            awaitQuarkusShutdown();
            try {
                stop.run();
            } catch (RuntimeException e) {
                LOG.warnf("local %s did not stop cleanly: %s", server, e.getMessage());
            }
        }, "emogg-local-" + server + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void awaitQuarkusShutdown() {
        long deadline = System.currentTimeMillis() + WAIT_FOR_QUARKUS_MILLIS;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread == Thread.currentThread() || !QUARKUS_SHUTDOWN_THREADS.contains(thread.getName())) {
                continue;
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
