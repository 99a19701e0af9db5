package com.emogg.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.Sleep;

/**
 * One schedule's shared state: the cluster, the clients' history, the seeded random every decision
 * is drawn from, the users (for the final sweep) and what the faults found on the spot.
 */
final class Run {

    /** Nothing listens on the discard port: a worker reports such a session failed within seconds. */
    static final String DEAD_STREAM = "rtsp://127.0.0.1:9/x";

    /** A record a poison scenario expects on a dead-letter topic: its value contains the marker. */
    record DeadLetterExpectation(String topic, String marker) {
    }

    final String name;
    final long seed;
    final CrashSettings settings;
    final Cluster cluster;
    final LoopbackStream stream;
    final Random random;
    final History history = new History();
    final DatabaseState.Probe db;
    final Map<String, ApiClient.User> users = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final List<FaultRecord> faults = new ArrayList<>();
    final List<DeadLetterExpectation> deadLetters = Collections.synchronizedList(new ArrayList<>());

    Run(String name, long seed, CrashSettings settings, Cluster cluster, LoopbackStream stream) {
        this.name = name;
        this.seed = seed;
        this.settings = settings;
        this.cluster = cluster;
        this.stream = stream;
        this.random = new Random(seed);
        this.db = new DatabaseState.Probe(cluster.postgres);
    }

    ApiClient client(String clientName) {
        return new ApiClient(clientName, cluster::liveApis, history);
    }

    ApiClient.User newUser(ApiClient client) {
        ApiClient.User user = client.newUser();
        users.put(user.id(), user);
        return user;
    }

    String liveStream() {
        return stream.rtspUri();
    }

    void violation(String where, String format, Object... args) {
        String text = where + ": " + String.format(format, args);
        violations.add(text);
        Log.line("VIOLATION %s", text);
    }

    private final List<CompletableFuture<Void>> background = Collections.synchronizedList(new ArrayList<>());

    /**
     * Finishes a fault's tail (a restart and what is checked after it) while the schedule goes on with
     * the next fault; its violations count like any other. The schedule waits for all of them before
     * the final sweep.
     */
    void background(String where, Runnable task) {
        background.add(CompletableFuture.runAsync(() -> {
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
                violation(where, "did not complete: %s", e);
            }
        }));
    }

    void awaitBackground() {
        List<CompletableFuture<Void>> tasks;
        synchronized (background) {
            tasks = new ArrayList<>(background);
        }
        tasks.forEach(CompletableFuture::join);
    }

    /** Creates sessions, half on the live stream and half on the dead one (alternating), 8 at a time; the ids of the 201s. */
    List<String> createSessions(ApiClient client, ApiClient.User user, int count, boolean allLive) {
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<Exchange>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String uri = allLive || i % 2 == 0 ? liveStream() : DEAD_STREAM;
            inFlight.acquireUninterruptibly();
            AppProcess replica;
            try {
                replica = client.pick();
            } catch (IllegalStateException e) {
                inFlight.release();
                Sleep.millis(200);
                continue;
            }
            created.add(client.createAsync(replica, user, uri).whenComplete((exchange, failure) -> inFlight.release()));
        }
        return created.stream().map(CompletableFuture::join).filter(exchange -> exchange.status() == 201).map(Exchange::sessionId).toList();
    }

    /**
     * Waits until every event recorded so far was published (the ones recorded meanwhile by the
     * background clients do not count: under load the outbox is never empty); false after {@code timeout}.
     */
    boolean awaitOutboxDrained(Duration timeout) {
        long upTo = Sleep.untilValue(Duration.ofSeconds(30), db::maxSeq);
        return Sleep.until(timeout, Duration.ofMillis(250), () -> db.unpublishedUpTo(upTo) == 0);
    }

    /**
     * Before a fault: what the previous fault left behind is published, and the api replicas' consumer
     * of worker reports is caught up, so each fault starts from a steady system and its effects are
     * its own. Bounded; a system that does not settle is noted, and the fault runs anyway.
     */
    void settle(FaultRecord record, Duration timeout) {
        long started = System.nanoTime();
        boolean published = awaitOutboxDrained(timeout);
        Map<org.apache.kafka.common.TopicPartition, Long> reports = Sleep.untilValue(Duration.ofSeconds(30),
                () -> Topics.endOffsets(cluster.kafka.bootstrap(), Topics.REPORTS));
        boolean caughtUp = Sleep.until(timeout, Duration.ofMillis(500),
                () -> Topics.committedAtLeast(cluster.kafka.bootstrap(), "emogg-api", reports));
        String took = Log.seconds(Duration.ofNanos(System.nanoTime() - started));
        if (!published || !caughtUp) {
            record.note("the system did not settle within %s before the fault (outbox published: %s, report consumer caught up: %s)",
                    Log.seconds(timeout), published, caughtUp);
        } else {
            Log.line("  settled in %s", took);
        }
    }
}
