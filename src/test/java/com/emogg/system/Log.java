package com.emogg.system;

import java.time.Duration;
import java.time.Instant;

/** Progress lines on the console, with the time since the IT started, so a slow step shows where it is. */
final class Log {

    private static final long STARTED = System.nanoTime();

    private Log() {
    }

    static void line(String format, Object... args) {
        System.out.printf("[crash %6.1fs] %s%n", (System.nanoTime() - STARTED) / 1e9, String.format(format, args));
        System.out.flush();
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    static String since(Instant start) {
        return seconds(Duration.between(start, Instant.now()));
    }
}
