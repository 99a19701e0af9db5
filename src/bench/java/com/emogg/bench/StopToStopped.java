package com.emogg.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 5, the whole stop path end to end: sessions that a real worker process runs (on the
 * loopback RTSP responder the tests use), stopped one by one while a background stop load runs at
 * a quarter of scenario 1's peak, each polled every 5 ms until the API shows {@code meta.workerState}
 * {@code stopped}: API, outbox, relay, Kafka, worker, its report back through Kafka, the api's
 * consumer, and the read.
 */
final class StopToStopped {

    private static final Duration POLL = Duration.ofMillis(5);
    /**
     * Of scenario 1's peak: the target is under background stops at a quarter of the peak. A
     * stop here costs the whole path, not only its transaction: the relay sends its three events,
     * the worker consumes the command and reports twice, the api applies both reports. At half of
     * the HTTP-only peak the 2-core machine was past saturation (the api's consumer ended 79,000
     * reports behind); the CPU split of the background run says what saturates.
     */
    private static final double BACKGROUND_SHARE_OF_PEAK = 0.25;

    /**
     * Sessions per user. Each stopped session is polled every 5 ms until it shows stopped, some
     * 20-70 requests: with the rate limit on (300 points, 5 per second back) a user may own only a
     * few, spread over the run (session i belongs to user i % users), or its polls would be refused.
     */
    static final int SESSIONS_PER_USER = 5;

    private final Harness harness;

    StopToStopped(Harness harness) {
        this.harness = harness;
    }

    void run(double peakStopThroughput) {
        Settings settings = harness.settings;
        harness.resetStopPool();
        App worker = harness.startWorker();
        harness.report.figure("start.worker.readyMs", worker.ready.toMillis());
        Api api = new Api(harness.api().port);
        try (LoopbackStream stream = LoopbackStream.start(0, 0)) {
            Map<String, String> tokens = create(api, stream.rtspUri(), settings.stoppedSessions());
            List<String> sessions = List.copyOf(tokens.keySet());
            awaitWorking(api, tokens);
            Map<String, List<String>> sessionsByToken = new LinkedHashMap<>();
            tokens.forEach((session, token) -> sessionsByToken.computeIfAbsent(token, key -> new ArrayList<>()).add(session));
            try (WorkerStateFeed feed = WorkerStateFeed.subscribe(harness.api().port, sessionsByToken)) {
                Progress.line("stop-to-stopped: %d WebSocket clients follow the sessions' worker state", feed.connections());

                double rate = Math.max(1, peakStopThroughput * BACKGROUND_SHARE_OF_PEAK);
                int connections = settings.referenceConnections();
                CpuMeter.Snapshot before = harness.cpu.snapshot();
                LoadGenerator.Running background = harness.load.start(harness.api().port, "stopped", "background", new StopWorkload(
                        settings.stopPool(), harness.users, false), connections, settings.warmup(), Duration.ofHours(1), rate);
                Sleep.millis(settings.warmup().toMillis() + 500);

                Histogram latencies = RunResult.newHistogram();
                Map<String, Long> stopSentMillis = new java.util.HashMap<>();
                Map<String, Long> shownStoppedMillis = new java.util.HashMap<>();
                Map<String, Long> failures = new LinkedHashMap<>();
                long started = System.nanoTime();
                long budget = started + Duration.ofMinutes(settings.smoke() ? 1 : 10).toNanos();
                // how long one session may take to show stopped before it counts as stuck
                Duration patience = Duration.ofSeconds(settings.smoke() ? 10 : 60);
                int done = 0;
                int timeoutsInARow = 0;
                for (String id : sessions) {
                    if (timeoutsInARow >= 3 || System.nanoTime() > budget) {
                        // the path is stuck: waiting out the patience for each of the rest would only make the run longer
                        failures.merge("skipped, the path was stuck", 1L, Long::sum);
                        continue;
                    }
                    long sent = System.currentTimeMillis();
                    long micros = stopAndAwaitStopped(api, tokens.get(id), id, patience, failures);
                    timeoutsInARow = micros == TIMED_OUT ? timeoutsInARow + 1 : 0;
                    if (micros > 0) {
                        latencies.recordValue(Math.min(micros, latencies.getHighestTrackableValue()));
                        stopSentMillis.put(id, sent);
                        shownStoppedMillis.put(id, sent + micros / 1000);
                    }
                    if (++done % Math.max(1, sessions.size() / 10) == 0 || done == sessions.size()) {
                        Progress.line("stop-to-stopped %d/%d  p50 %s ms  p99 %s ms  failures %s", done, sessions.size(),
                                Progress.ms(latencies.getValueAtPercentile(50) / 1000.0), Progress.ms(latencies.getValueAtPercentile(99) / 1000.0),
                                failures.isEmpty() ? "0" : failures);
                    }
                }
                background.finish();
                RunResult load = background.awaitFinished(Duration.ofMinutes(2));
                load.cpu = CpuMeter.between(before, harness.cpu.snapshot());
                load.note = "background stop load of scenario 5, paced at a quarter of scenario 1's peak";
                harness.report.run(load);

                RunResult stops = new RunResult("stopped", "stop-to-stopped", 1, 0, (System.nanoTime() - started) / 1e9, latencies, failures);
                stops.cpu = load.cpu;
                stops.note = "sequential stops of sessions a worker runs, each polled every 5 ms until workerState is stopped";
                harness.report.run(stops);
                String relayed = commitToKafka(sessions);
                // the event leaves at the commit that the polls saw; a moment for the last ones to arrive
                Sleep.until(Duration.ofSeconds(5), Duration.ofMillis(50),
                        () -> feed.arrivals("stopped").keySet().containsAll(stopSentMillis.keySet()));
                Map<String, Long> reported = WorkerReportTimes.stopped(harness.infrastructure.kafkaBootstrap(), stopSentMillis.keySet());
                String legs = legs(stopSentMillis, shownStoppedMillis, reported);
                reportToWebSocket(feed, stopSentMillis, reported, load.throughput);
                long lag = ConsumerLag.of(harness.infrastructure.kafkaBootstrap(), "emogg-api", WorkerReportTimes.TOPIC);
                String states = harness.db.text("select string_agg(worker_state || ' ' || n, ', ') from (select worker_state, count(*) n "
                        + "from sessions where id = any(?) group by 1 order by 1) s", (Object) sessions.toArray(String[]::new));
                // a path that never reaches "stopped" is a result (the target is missed), not a broken harness
                boolean met = stops.requests == sessions.size() && stops.p99 <= 250;
                harness.report.row("5 stop-to-stopped", sessions.size() + " sessions, under " + Progress.count(load.throughput)
                        + " stops/s in the background", (stops.requests == 0 ? "no session shown stopped"
                        : stops.requests + " shown stopped: p50 " + Progress.ms(stops.p50) + " / p99 " + Progress.ms(stops.p99) + " ms")
                        + (failures.isEmpty() ? "" : "; failures " + failures), "-", "-", "p99 <= 250 ms", Report.met(met));
                harness.report.because(load, null);
                harness.report.note("scenario 5, where the time goes: commit to Kafka " + relayed + "; " + legs
                        + "; the api's worker-states consumer (group emogg-api) was " + lag + " records behind at the end; "
                        + "the sessions' worker states at the end: " + states);
                harness.report.figure("stopToStopped.p50Ms", stops.p50);
                harness.report.figure("stopToStopped.p99Ms", stops.p99);
                Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
                bars.put("stop to stopped", Report.values("p50", stops.p50, "p99", stops.p99));
                bars.put("target", Report.values("p99", 250.0));
                harness.report.barChart("chart-5-stop-to-stopped.png", "Scenario 5: HTTP stop until the API shows stopped (ms)", "ms", bars);
            }
        } finally {
            harness.stopWorker();
        }
    }

    /**
     * Stop request to the worker's "stopped" report (its record's timestamp on worker-states), and
     * from that report until the API showed it (polled every 5 ms, so up to 5 ms late).
     */
    private String legs(Map<String, Long> sent, Map<String, Long> shown, Map<String, Long> reported) {
        Histogram toReport = new Histogram(1, 3_600_000L, 3);
        Histogram toShown = new Histogram(1, 3_600_000L, 3);
        reported.forEach((id, at) -> {
            toReport.recordValue(Math.max(1, Math.min(at - sent.get(id), 3_600_000L)));
            toShown.recordValue(Math.max(1, Math.min(shown.get(id) - at, 3_600_000L)));
        });
        if (toReport.getTotalCount() == 0) {
            return "no worker report found on " + WorkerReportTimes.TOPIC;
        }
        harness.report.figure("stopToStopped.stopToWorkerReportP50Ms", toReport.getValueAtPercentile(50));
        harness.report.figure("stopToStopped.workerReportToShownP50Ms", toShown.getValueAtPercentile(50));
        return "stop request to the worker's stopped report p50 " + toReport.getValueAtPercentile(50) + " / p99 "
                + toReport.getValueAtPercentile(99) + " ms; that report to the API showing it p50 " + toShown.getValueAtPercentile(50)
                + " / p99 " + toShown.getValueAtPercentile(99) + " ms (" + toReport.getTotalCount() + " sessions)";
    }

    /**
     * Issue 5: from the worker's "stopped" report (its record's timestamp) until a WebSocket client
     * subscribed to the session received the {@code sws} event: the api's consumer, its transaction,
     * the NOTIFY at commit, the endpoint, the socket. Also from the stop request to the {@code
     * stopping} event, the change the stop itself makes.
     */
    private void reportToWebSocket(WorkerStateFeed feed, Map<String, Long> sent, Map<String, Long> reported, double background) {
        Map<String, Long> stopped = feed.arrivals("stopped");
        Map<String, Long> stopping = feed.arrivals("stopping");
        Histogram toEvent = new Histogram(1, 3_600_000L, 3);
        reported.forEach((id, at) -> {
            Long arrived = stopped.get(id);
            if (arrived != null) {
                toEvent.recordValue(Math.max(1, Math.min(arrived - at, 3_600_000L)));
            }
        });
        Histogram toStopping = new Histogram(1, 3_600_000L, 3);
        sent.forEach((id, at) -> {
            Long arrived = stopping.get(id);
            if (arrived != null) {
                toStopping.recordValue(Math.max(1, Math.min(arrived - at, 3_600_000L)));
            }
        });
        long missing = reported.keySet().stream().filter(id -> !stopped.containsKey(id)).count();
        String closed = feed.closedByTheApi().isEmpty() ? "" : "; connections closed by the api: " + feed.closedByTheApi();
        String measured = toEvent.getTotalCount() == 0 ? "no sws event matched a worker report"
                : toEvent.getTotalCount() + " events: p50 " + toEvent.getValueAtPercentile(50) + " / p99 " + toEvent.getValueAtPercentile(99)
                        + " / max " + toEvent.getMaxValue() + " ms" + (missing == 0 ? "" : "; " + missing + " reported stops never arrived");
        harness.report.row("issue 5: worker report to WS event", feed.connections() + " WebSocket clients following " + sent.size()
                + " sessions, under " + Progress.count(background) + " stops/s in the background", measured + closed, "-", "-", "-", "-");
        harness.report.note("issue 5, WebSocket: the worker's stopped report (record timestamp) to the sws event at the client, "
                + measured + "; the stop request to the sws stopping event at the client: p50 " + toStopping.getValueAtPercentile(50)
                + " / p99 " + toStopping.getValueAtPercentile(99) + " ms (" + toStopping.getTotalCount() + " events)" + closed);
        if (toEvent.getTotalCount() > 0) {
            harness.report.figure("ws.reportToEventP50Ms", toEvent.getValueAtPercentile(50));
            harness.report.figure("ws.reportToEventP99Ms", toEvent.getValueAtPercentile(99));
        }
    }

    /** The first leg of the path, from the outbox: where the time goes when the target is missed. */
    private String commitToKafka(List<String> sessions) {
        harness.seed().awaitPublished(0, harness.drainTimeout());
        Object[] row = harness.db.row("select percentile_cont(0.5) within group (order by extract(epoch from published_at - occurred_at)), "
                + "percentile_cont(0.99) within group (order by extract(epoch from published_at - occurred_at)) "
                + "from outbox where type = 'SessionStopRequested' and session_id = any(?)", (Object) sessions.toArray(String[]::new));
        if (row == null || row[0] == null) {
            return "unknown";
        }
        return "p50 " + Progress.ms(((Number) row[0]).doubleValue() * 1000) + " / p99 " + Progress.ms(((Number) row[1]).doubleValue() * 1000)
                + " ms";
    }

    /**
     * The sessions (id -> its owner's token), {@link #SESSIONS_PER_USER} per user and the users taken
     * in turn (session i belongs to user i % users), so that each user's polls are spread over the
     * run and stay within its rate limit, and a WebSocket client can follow every session within the
     * contract's limits.
     */
    private Map<String, String> create(Api api, String streamUri, int count) {
        int users = (count + SESSIONS_PER_USER - 1) / SESSIONS_PER_USER;
        harness.seed().users(Ids.STREAM_USERS - Ids.USERS + 1, Ids.STREAM_USERS - Ids.USERS + users);
        List<String> userTokens = new ArrayList<>();
        for (int user = 1; user <= users; user++) {
            userTokens.add(harness.seed().token(Ids.streamUser(user)));
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String token = userTokens.get(i % users);
            JsonNode session = Api.expect(api.post("/v1/sessions", token, Map.of("name", "bench stop-to-stopped " + i,
                    "streamUri", streamUri, "config", Map.of("removeMedia", true))), 201, "creating a session");
            tokens.put(session.get("_id").asText(), token);
        }
        Progress.line("stop-to-stopped: %d sessions of %d users created on %s", count, users, streamUri);
        return tokens;
    }

    /** The worker must be running them all before they are stopped; it first replays session-commands. */
    private static void awaitWorking(Api api, Map<String, String> tokens) {
        java.util.Set<String> ids = tokens.keySet();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long lastReport = 0;
        java.util.Set<String> pending = new java.util.LinkedHashSet<>(ids);
        while (!pending.isEmpty()) {
            for (var iterator = pending.iterator(); iterator.hasNext();) {
                String id = iterator.next();
                String state = workerState(api, tokens.get(id), id);
                if (state.equals("working")) {
                    iterator.remove();
                } else if (state.equals("failed") || state.equals("lost")) {
                    throw new IllegalStateException("session " + id + " on the loopback stream is " + state
                            + " (see target/bench/app-worker.log)");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (ids.size() - pending.size()) + " of " + ids.size()
                        + " sessions working after 5 minutes (see target/bench/app-worker.log)");
            }
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                Progress.line("stop-to-stopped: %d/%d sessions working", ids.size() - pending.size(), ids.size());
                lastReport = System.nanoTime();
            }
            if (!pending.isEmpty()) {
                Sleep.millis(500);
            }
        }
        Progress.line("stop-to-stopped: all %d sessions working", ids.size());
    }

    private static final long TIMED_OUT = -1;

    /**
     * Microseconds from the stop request until the API shows stopped; 0 after a failure, {@link
     * #TIMED_OUT} when it did not within {@code patience} (both counted in {@code failures}).
     */
    private static long stopAndAwaitStopped(Api api, String token, String id, Duration patience, Map<String, Long> failures) {
        long started = System.nanoTime();
        Api.Answer stop = api.post("/v1/sessions/" + id + "/stop", token, null);
        if (stop.status() == 400) {
            // no longer active: something else finished it first (a failed or lost worker)
            failures.merge("already finished (" + workerState(api, token, id) + ")", 1L, Long::sum);
            return 0;
        }
        if (stop.status() != 200) {
            failures.merge("stop HTTP " + stop.status(), 1L, Long::sum);
            return 0;
        }
        String state = stop.body().path("meta").path("workerState").asText();
        long deadline = started + patience.toNanos();
        while (!state.equals("stopped")) {
            if (state.equals("failed") || state.equals("lost")) {
                failures.merge("ended " + state, 1L, Long::sum);
                return 0;
            }
            if (System.nanoTime() > deadline) {
                failures.merge("not stopped within " + patience.toSeconds() + " s", 1L, Long::sum);
                return TIMED_OUT;
            }
            Sleep.millis(POLL.toMillis());
            state = workerState(api, token, id);
            if (state.equals("HTTP 429")) {
                // the user's polls went over its rate limit: the harness's pacing is wrong, say so
                failures.merge("polls refused (429)", 1L, Long::sum);
            }
        }
        return Math.max(1, (System.nanoTime() - started) / 1000);
    }

    private static String workerState(Api api, String token, String id) {
        Api.Answer answer = api.get("/v1/sessions/" + id, token);
        return answer.status() == 200 ? answer.body().path("meta").path("workerState").asText() : "HTTP " + answer.status();
    }
}
