package com.emogg.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one injected fault did and when, for the report: the schedule's timeline. */
final class FaultRecord {

    final String id;
    final String title;
    final Instant started = Instant.now();
    Instant ended;
    final List<String> details = new ArrayList<>();

    FaultRecord(String id, String title) {
        this.id = id;
        this.title = title;
    }

    synchronized void note(String format, Object... args) {
        String text = String.format(format, args);
        details.add(text);
        Log.line("  %s: %s", id, text);
    }

    Duration duration() {
        return Duration.between(started, ended == null ? Instant.now() : ended);
    }
}
