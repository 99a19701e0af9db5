package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every HTTP exchange of every client of one schedule, in the order they were made, plus the label of
 * the fault being injected at the time. Written to {@code history.jsonl} next to the report, so a
 * violation can be followed request by request.
 */
final class History {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile String phase = "setup";

    long nextSeq() {
        return seq.incrementAndGet();
    }

    void record(Exchange exchange) {
        exchanges.add(exchange);
    }

    String phase() {
        return phase;
    }

    void phase(String phase) {
        this.phase = phase;
    }

    List<Exchange> all() {
        List<Exchange> all = new ArrayList<>(exchanges);
        all.sort(Comparator.comparingLong(Exchange::seq));
        return all;
    }

    void write(Path file) {
        try (Writer out = Files.newBufferedWriter(file)) {
            for (Exchange exchange : all()) {
                out.write(JSON.writeValueAsString(exchange));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
