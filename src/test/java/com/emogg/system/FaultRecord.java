package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one injected fault did and when, for the report: the schedule's timeline. */
final class FaultRecord {

    final String id;
    final String title;
    final Instant started;
    Instant ended;
    final List<String> details = new ArrayList<>();
    /** Workers this fault made unreachable, and when: their sessions may legitimately be declared lost (see the checker). */
    final List<Unreachable> unreachable = new ArrayList<>();
    /** Figures for the README's reliability table: time to recover, events delayed, sessions moved. */
    final java.util.Map<String, String> figures = new java.util.LinkedHashMap<>();

    /** A worker cut off or dead from {@code from} to {@code to}. */
    record Unreachable(String workerId, Instant from, Instant to) {
    }

    FaultRecord(String id, String title) {
        this(id, title, Instant.now());
    }

    FaultRecord(String id, String title, Instant started) {
        this.id = id;
        this.title = title;
        this.started = started;
    }

    synchronized void note(String format, Object... args) {
        String text = String.format(format, args);
        details.add(text);
        Log.line("  %s: %s", id, text);
    }

    synchronized void unreachable(String workerId, Instant from, Instant to) {
        unreachable.add(new Unreachable(workerId, from, to));
    }

    synchronized void figure(String name, String value) {
        figures.put(name, value);
    }

    Duration duration() {
        return Duration.between(started, ended == null ? Instant.now() : ended);
    }
}
