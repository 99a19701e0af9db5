package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Folders;
import com.emogg.testing.Sleep;

/**
 * Runs one schedule end to end: fresh servers, background clients, every fault in the seeded order
 * (each followed by a short calm), then the final sweep (every session still active is stopped through
 * the API, recorded like any request), the wait for quiescence, and the history check.
 */
final class ScheduleRunner {

    /** Stop deadline 5 s x 3 attempts and the 30 s heartbeat deadline, plus the reconciler's and relay's periods, with slack. */
    private static final Duration QUIESCE_BUDGET = Duration.ofSeconds(120);
    /**
     * The shortest silence after which the api may declare a session lost: a stop unconfirmed for its
     * three sends 5 s apart (the heartbeat deadline is 30 s). Only a fault that cut a worker off for
     * at least this long excuses a lost session.
     */
    static final Duration LOST_ONLY_AFTER = Duration.ofSeconds(15);

    private ScheduleRunner() {
    }

    static ScheduleResult run(CrashSettings settings, int index, long seed, Path jar, ChildProcesses children) {
        String name = "run" + index;
        ScheduleResult result = new ScheduleResult(name, seed);
        Path runDir = settings.outDir().resolve(name);
        Folders.deleteRecursively(runDir);
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Log.line("schedule %s: seed %d", name, seed);
        Instant started = Instant.now();
        try (Cluster cluster = Cluster.start(name, runDir, jar, settings.outDir().resolve("pg-binaries"), settings.projectDir(), children);
                LoopbackStream stream = LoopbackStream.start(address(cluster.network.root()), 0, 0)) {
            Run run = new Run(name, seed, settings, cluster, stream);
            List<Fault> faults = Schedule.shuffled(run.random, settings.faults(), cluster.network.partitions());
            faults.forEach(fault -> result.order.add(fault.id()));
            List<String> skipped = Schedule.all().stream().filter(fault -> fault.needsPartitions() && settings.faults().contains(fault.id())
                    && !cluster.network.partitions()).map(Fault::id).toList();
            if (!skipped.isEmpty()) {
                String why = "SKIPPED " + skipped + ", the network faults: no network namespaces here ("
                        + cluster.network.whyNoPartitions() + "); CI runs them as root";
                result.notes.add(why);
                Log.line("schedule %s: %s", name, why);
            }
            Log.line("schedule %s: order %s", name, result.order);
            result.started = Instant.now();
            LoadClients load = new LoadClients(run, settings.clientThreads());
            try {
                run.history.phase("load");
                load.start();
                Sleep.millis(2000 + run.random.nextInt(2000));
                for (Fault fault : faults) {
                    FaultRecord record = new FaultRecord(fault.id(), fault.title());
                    result.faults.add(record);
                    run.history.phase(fault.id());
                    Log.line("%s: %s", fault.id(), fault.title());
                    try {
                        if (fault.needsSettledReports()) {
                            run.settle(record, Duration.ofSeconds(60));
                        }
                        fault.inject(run, record);
                    } catch (Exception | AssertionError e) {
                        run.violation(fault.id(), "the fault did not complete: %s", e);
                        e.printStackTrace(System.out);
                    } finally {
                        record.ended = Instant.now();
                        heal(run, record);
                        run.history.phase("load");
                    }
                    Log.line("%s done in %s", fault.id(), Log.seconds(record.duration()));
                    Sleep.millis(500 + run.random.nextInt(1000));
                }
            } finally {
                load.close();
                run.awaitBackground();
            }
            sweep(run, result);
            quiesce(run, result);
            DatabaseState db = DatabaseState.read(cluster.postgres);
            Map<String, List<KafkaRecord>> topics = new LinkedHashMap<>();
            for (String topic : Topics.ALL) {
                topics.put(topic, Topics.readAll(cluster.kafka.bootstrap(), topic, Duration.ofSeconds(120)));
            }
            result.notes.add(lostByPhase(topics.get(Topics.EVENTS), result.faults));
            result.history = run.history.all();
            run.history.write(runDir.resolve("history.jsonl"));
            result.verdict = new InvariantChecker(result.history, db, topics, run.deadLetters, result.faults, LOST_ONLY_AFTER).check();
            result.violations.addAll(run.violations);
            result.violations.addAll(result.verdict.violations);
            Log.line("schedule %s checked: %d exchanges, %d sessions, %d outbox rows, %d violations", name, result.history.size(),
                    db.sessions.size(), db.outbox.size(), result.violations.size());
        } catch (RuntimeException e) {
            result.violations.add("schedule " + name + " aborted: " + e);
            e.printStackTrace(System.out);
        } finally {
            result.wallTime = Duration.between(started, Instant.now());
        }
        return result;
    }

    private static java.net.InetAddress address(Network.Host host) {
        try {
            return java.net.InetAddress.getByName(host.address());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fault that failed half-way may leave something down: bring it back so the next fault starts from a whole cluster. */
    private static void heal(Run run, FaultRecord record) {
        Cluster cluster = run.cluster;
        cluster.network.healAll();
        if (!cluster.postgres.alive()) {
            record.note("healing: PostgreSQL was left down");
            cluster.postgres.restart();
        }
        if (!cluster.kafka.allAlive()) {
            record.note("healing: a Kafka node was left down");
            cluster.kafka.restartDead();
        }
        List<AppProcess> dead = new ArrayList<>();
        cluster.apis.stream().filter(app -> !app.alive() && !app.starting()).forEach(dead::add);
        cluster.workers.stream().filter(app -> !app.alive() && !app.starting()).forEach(dead::add);
        if (!dead.isEmpty()) {
            record.note("healing: %s were left down", dead);
            Cluster.parallel(dead, AppProcess::restart);
        }
    }

    /** Stops every session still active, with its owner's token, through the API (recorded like any request). */
    private static void sweep(Run run, ScheduleResult result) {
        run.history.phase("sweep");
        ApiClient sweeper = run.client("sweep");
        int stopped = 0;
        for (int round = 0; round < 20; round++) {
            Map<String, String> active = run.db.activeSessions();
            if (active.isEmpty()) {
                break;
            }
            List<CompletableFuture<Exchange>> stops = new ArrayList<>();
            for (Map.Entry<String, String> session : active.entrySet()) {
                ApiClient.User user = run.users.get(session.getValue());
                if (user == null) {
                    run.violation("sweep", "active session %s belongs to user %s, whom no client created", session.getKey(), session.getValue());
                    continue;
                }
                stops.add(sweeper.stopAsync(sweeper.pick(), user, session.getKey()));
            }
            stopped += stops.size();
            stops.forEach(CompletableFuture::join);
            Sleep.millis(300);
        }
        result.notes.add("final sweep: " + stopped + " stops of the sessions still active");
        Log.line("final sweep: %d stops", stopped);
    }

    /** Waits until nothing is unpublished, nothing active and every worker state terminal, twice in a row. */
    private static void quiesce(Run run, ScheduleResult result) {
        run.history.phase("quiesce");
        Instant start = Instant.now();
        int[] stable = {0};
        boolean quiet = Sleep.until(QUIESCE_BUDGET, Duration.ofMillis(500), () -> {
            long[] progress = run.db.progress();
            stable[0] = progress != null && progress[0] == 0 && progress[1] == 0 && progress[2] == 0 ? stable[0] + 1 : 0;
            return stable[0] >= 2;
        });
        long[] progress = run.db.progress();
        if (quiet) {
            result.notes.add("quiesced in " + Log.since(start));
            Log.line("quiesced in %s", Log.since(start));
        } else {
            run.violation("Q", "not quiet %d s after the sweep: %s (unpublished events, sessions not terminal, active)",
                    QUIESCE_BUDGET.toSeconds(), progress == null ? "database unreachable" : java.util.Arrays.toString(progress));
        }
    }

    /**
     * Not an invariant, an observation: when the sessions declared {@code lost} were declared so, by
     * the fault running then. {@code lost} is legitimate when a worker really went silent or a stop
     * could not be confirmed (the broker down), not after faults that leave the workers alone.
     */
    private static String lostByPhase(List<KafkaRecord> events, List<FaultRecord> faults) {
        Map<String, Integer> phases = new java.util.TreeMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (KafkaRecord record : events) {
            if (record.injected() || !"SessionWorkerStateChanged".equals(record.ceType()) || !seen.add(record.ceId())) {
                continue;
            }
            try {
                var body = json.readTree(record.value());
                if (!"lost".equals(body.path("workerState").asText())) {
                    continue;
                }
                Instant at = Instant.parse(body.path("at").asText());
                String phase = faults.stream().filter(f -> !at.isBefore(f.started) && (f.ended == null || !at.isAfter(f.ended)))
                        .map(f -> f.id).findFirst().orElse("between faults");
                phases.merge(phase + " (from " + body.path("previousWorkerState").asText() + ")", 1, Integer::sum);
            } catch (Exception e) {
                // the checker reports unreadable facts
            }
        }
        return "sessions declared lost, by the fault running then: " + (phases.isEmpty() ? "none" : phases.toString());
    }

}
