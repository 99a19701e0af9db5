package com.emogg.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What one schedule did and found, for the report. */
final class ScheduleResult {

    final String name;
    final long seed;
    final List<String> order = new ArrayList<>();
    final List<FaultRecord> faults = new ArrayList<>();
    List<Exchange> history = List.of();
    InvariantChecker.Verdict verdict = new InvariantChecker.Verdict();
    final List<String> violations = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    Duration wallTime = Duration.ZERO;
    java.time.Instant started = java.time.Instant.now();

    ScheduleResult(String name, long seed) {
        this.name = name;
        this.seed = seed;
    }
}
