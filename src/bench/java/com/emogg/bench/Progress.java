package com.emogg.bench;

import java.util.Locale;

/**
 * The harness's lines on stdout. A full run takes a quarter of an hour, so every step says what it
 * does and every load run prints one line a second; the time since the start prefixes each line.
 */
final class Progress {

    private static final long STARTED = System.nanoTime();

    private Progress() {
    }

    static void line(String format, Object... args) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        System.out.printf(Locale.ROOT, "[bench %02d:%02d] %s%n", seconds / 60, seconds % 60, text);
        System.out.flush();
    }

    /** 12345.6 as "12,346": thousands separators make throughput readable at a glance. */
    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
