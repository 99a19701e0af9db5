package com.emogg.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.emogg.platform.Dates;
import com.emogg.platform.net.StreamAddresses;

import io.quarkus.arc.DefaultBean;

/**
 * The shipped {@link StreamAnalysis}: probes the stream (RTSP {@code OPTIONS}/{@code DESCRIBE},
 * the RTMP handshake) on an interval, reports {@code working} once it answers and {@code failed}
 * with the reason once it stops answering. It connects only where {@link StreamAddresses} permits
 * ({@code EMOGG_WORKER_ALLOWED_NETWORKS}); a refused address counts as a failed probe like any other,
 * so a refusal takes as long as an unreachable stream and says nothing of the target. It records what it saw in the session's media folder
 * ({@code probes.log}, and {@code stream.sdp} for RTSP). It produces no emotion data: that takes a
 * model, which would be another {@link StreamAnalysis}.
 */
@DefaultBean
@ApplicationScoped
public class StreamProbe implements StreamAnalysis {

    private static final Logger LOG = Logger.getLogger(StreamProbe.class);

    private final WorkerConfig.Probe config;
    private final StreamAddresses permitted;
    private final Clock clock;
    private final ScheduledExecutorService probes;

    @Inject
    public StreamProbe(WorkerConfig config, Clock clock) {
        this(config, clock, threads(config.probe().threads()));
    }

    StreamProbe(WorkerConfig config, Clock clock, ScheduledExecutorService probes) {
        this.config = config.probe();
        this.permitted = StreamAddresses.allowing(config.allowedNetworks());
        this.clock = clock;
        this.probes = probes;
    }

    private static ScheduledExecutorService threads(int count) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newScheduledThreadPool(count, task -> {
            Thread thread = new Thread(task, "emogg-probe-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Task start(Request request, Listener listener) {
        ProbeTask task = new ProbeTask(request, listener);
        ScheduledFuture<?> scheduled = probes.scheduleWithFixedDelay(task, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        synchronized (task) {
            // the first probe may have run, and ended the task, before the future was known
            task.future = scheduled;
            if (task.stopped) {
                scheduled.cancel(false);
            }
        }
        return task;
    }

    @PreDestroy
    void close() {
        probes.shutdownNow();
    }

    private ProbeResult probe(Request request) {
        String scheme = request.streamUri().getScheme().toLowerCase(Locale.ROOT);
        return scheme.startsWith("rtmp") ? RtmpProbe.probe(request.streamUri(), config.timeout(), permitted)
                : RtspProbe.probe(request.streamUri(), config.timeout(), permitted);
    }

    private final class ProbeTask implements Task, Runnable {

        private final Request request;
        private final Listener listener;
        private volatile ScheduledFuture<?> future;
        private boolean stopped;
        private boolean working;
        private int failures;

        ProbeTask(Request request, Listener listener) {
            this.request = request;
            this.listener = listener;
        }

        @Override
        public synchronized void run() {
            if (stopped) {
                return;
            }
            long started = System.nanoTime();
            ProbeResult result = probe(request);
            long millis = (System.nanoTime() - started) / 1_000_000;
            record(result, millis);
            if (result.reachable()) {
                failures = 0;
                if (!working) {
                    working = true;
                    listener.working();
                }
                return;
            }
            failures++;
            if (failures >= config.failuresBeforeFailed()) {
                stop();
                LOG.infof("session %s: %s", request.sessionId(), result.reason());
                listener.failed(result.reason());
            }
        }

        /** Waits for a probe under way, so nothing writes to the media folder once this returns. */
        @Override
        public synchronized void stop() {
            stopped = true;
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        private void record(ProbeResult result, long millis) {
            try {
                Files.createDirectories(request.mediaFolder());
                String line = Dates.format(clock.instant()) + (result.reachable() ? " reachable" : " failed: " + result.reason())
                        + " (" + millis + " ms)\n";
                Files.writeString(request.mediaFolder().resolve("probes.log"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (result.description() != null && !working) {
                    Files.writeString(request.mediaFolder().resolve("stream.sdp"), result.description());
                }
            } catch (IOException e) {
                LOG.warnf("session %s: cannot write to its media folder: %s", request.sessionId(), e.getMessage());
            }
        }
    }
}
