package com.emogg.local;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a server's start-up on a fresh thread whose context class loader is the server library's.
 * Threads the server starts inherit that loader, so they never pin a dev-mode class loader that a
 * live reload is about to throw away.
 */
final class LocalThreads {

    private LocalThreads() {
    }

    static void runWithLoaderOf(Class<?> library, String name, Runnable action) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        thread.setContextClassLoader(library.getClassLoader());
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " interrupted", e);
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error != null) {
            throw new IllegalStateException(name + " failed", error);
        }
    }
}
