package com.emogg.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * A closed-loop HTTP load generator on Vert.x core: exactly N keep-alive connections, each with one
 * request in flight at a time (the next leaves when the previous answer is read), as N busy clients
 * would. Optionally paced to a rate (requests per second over all connections), with latency then
 * measured from when each request was due, not when it left, so a stalled server is not hidden by
 * the generator waiting for it (coordinated omission).
 *
 * <p>It runs on one event-loop thread: the machine has 2 cores and the application, PostgreSQL and
 * Kafka need them more. One thread also means the histograms and counters need no locking.
 * Warm-up first (answers not recorded), then the measured window; a progress line every second.
 */
final class LoadGenerator implements AutoCloseable {

    /** What one request is: {@code token} is sent as the bearer token, {@code idempotencyKey} when not null. */
    record Call(HttpMethod method, String uri, String token, String idempotencyKey) {
    }

    /** Where the requests come from; called on the event loop, once per request. */
    interface Workload {
        Call next();
    }

    private final Vertx vertx;

    LoadGenerator() {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    }

    /** A run against the application on {@code port}, until its measured window ended. */
    RunResult run(int port, String scenario, String variant, Workload workload, int connections, Duration warmup, Duration measure,
            double rate) {
        return start(port, scenario, variant, workload, connections, warmup, measure, rate).await();
    }

    Running start(int port, String scenario, String variant, Workload workload, int connections, Duration warmup, Duration measure,
            double rate) {
        Running running = new Running(port, scenario, variant, workload, connections, warmup, measure, rate);
        running.context.runOnContext(ignored -> running.begin());
        return running;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Progress.line("the load generator did not close cleanly: %s", e.getMessage());
        }
    }

    /** One run in progress; every field is touched on its event loop only, except {@link #finish}. */
    final class Running {

        private final int port;
        private final String scenario;
        private final String variant;
        private final Workload workload;
        private final int connections;
        private final long warmupNanos;
        private final long measureNanos;
        private final double rate;
        private final long periodNanos;
        private final Context context = vertx.getOrCreateContext();
        private final CompletableFuture<RunResult> result = new CompletableFuture<>();
        private final Histogram total = RunResult.newHistogram();
        private final Histogram interval = RunResult.newHistogram();
        private final Map<String, Long> errors = new HashMap<>();
        private final String label;
        private volatile boolean finishRequested;
        private HttpClient client;
        private long started;
        private long measureStart;
        private long measureEnd;
        private long slot;
        private int active;
        private long opened;
        private long errorsSeen;
        private long answered;
        private long progressTimer;

        private Running(int port, String scenario, String variant, Workload workload, int connections, Duration warmup,
                Duration measure, double rate) {
            this.port = port;
            this.scenario = scenario;
            this.variant = variant;
            this.workload = workload;
            this.connections = connections;
            this.warmupNanos = warmup.toNanos();
            this.measureNanos = measure.toNanos();
            this.rate = rate;
            this.periodNanos = rate > 0 ? (long) (1_000_000_000L / rate) : 0;
            this.label = scenario + (variant.equals("app") ? "" : " " + variant) + " c=" + connections
                    + (rate > 0 ? " @" + Progress.count(rate) + "/s" : "");
        }

        /** Ends the measured window now (for background load that runs as long as something else takes). */
        void finish() {
            finishRequested = true;
        }

        RunResult await() {
            try {
                return result.get(measureNanos / 1_000_000_000L + warmupNanos / 1_000_000_000L + 120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("load run " + label + " failed", e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException("load run " + label + " did not end", e);
            }
        }

        /** Waits without a deadline of its own: for background runs ended by {@link #finish}. */
        RunResult awaitFinished(Duration timeout) {
            try {
                return result.get(timeout.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("load run " + label + " did not end", e);
            }
        }

        private void begin() {
            client = vertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
                            .setDefaultHost("127.0.0.1").setDefaultPort(port).setConnectTimeout(10_000))
                    .with(new PoolOptions().setHttp1MaxSize(connections))
                    .withConnectHandler(connection -> opened++)
                    .build();
            started = System.nanoTime();
            measureStart = started + warmupNanos;
            measureEnd = measureStart + measureNanos;
            progressTimer = vertx.setPeriodic(1000, id -> progress());
            active = connections;
            for (int i = 0; i < connections; i++) {
                next();
            }
        }

        private void next() {
            long now = System.nanoTime();
            if (finishRequested && now < measureEnd) {
                measureEnd = Math.max(now, measureStart);
            }
            if (now >= measureEnd) {
                if (--active == 0) {
                    complete();
                }
                return;
            }
            if (periodNanos == 0) {
                send(now);
                return;
            }
            long due = started + slot++ * periodNanos;
            long waitMillis = (due - now) / 1_000_000;
            if (waitMillis >= 1) {
                vertx.setTimer(waitMillis, id -> send(due));
            } else {
                send(due);
            }
        }

        private void send(long due) {
            Call call = workload.next();
            RequestOptions options = new RequestOptions().setMethod(call.method()).setURI(call.uri()).setIdleTimeout(30_000)
                    .putHeader("Authorization", "Bearer " + call.token());
            if (call.idempotencyKey() != null) {
                options.putHeader("Idempotency-Key", call.idempotencyKey());
            }
            client.request(options)
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(body -> response.statusCode()))
                    .onComplete(answer -> {
                        record(answer, due, System.nanoTime());
                        next();
                    });
        }

        private void record(AsyncResult<Integer> answer, long due, long end) {
            boolean ok = answer.succeeded() && answer.result() == 200;
            boolean measured = end >= measureStart && end < measureEnd;
            long micros = Math.max(1, (end - due) / 1000);
            if (ok) {
                answered++;
                interval.recordValue(Math.min(micros, interval.getHighestTrackableValue()));
                if (measured) {
                    total.recordValue(Math.min(micros, total.getHighestTrackableValue()));
                }
            } else {
                errorsSeen++;
                if (measured) {
                    String kind = answer.succeeded() ? "HTTP " + answer.result() : "io " + answer.cause().getClass().getSimpleName();
                    errors.merge(kind, 1L, Long::sum);
                } else if (answer.succeeded() && answer.result() == 429) {
                    // a refusal anywhere in the run says the load was not one of traffic under its limits
                    errors.merge(RunResult.REFUSED_IN_WARMUP, 1L, Long::sum);
                }
            }
        }

        private void progress() {
            long now = System.nanoTime();
            long elapsed = (now - started) / 1_000_000_000L;
            String when = now < measureStart
                    ? "warm-up " + elapsed + "/" + warmupNanos / 1_000_000_000L + " s"
                    : (now - measureStart) / 1_000_000_000L + "/" + (finishRequested || measureNanos >= 3_600_000_000_000L
                            ? "-" : Long.toString(measureNanos / 1_000_000_000L)) + " s";
            Progress.line("%-28s %-14s %8s req/s  p99 %6s ms  errors %d", label, when, Progress.count(interval.getTotalCount()),
                    interval.getTotalCount() == 0 ? "-" : Progress.ms(interval.getValueAtPercentile(99) / 1000.0), errorsSeen);
            interval.reset();
        }

        private void complete() {
            vertx.cancelTimer(progressTimer);
            double seconds = Math.max(1e-9, (measureEnd - measureStart) / 1e9);
            RunResult run = new RunResult(scenario, variant, connections, rate, seconds, total, errors);
            run.connectionsOpened = opened;
            run.allRequests = answered;
            client.close().onComplete(closed -> result.complete(run));
        }
    }
}
