package com.emogg.session.reports;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.emogg.contract.Channels;
import com.emogg.contract.ReportWatermark;
import com.emogg.platform.Dates;
import com.emogg.platform.kafka.CloudEvents;
import com.emogg.platform.runtime.OutsideApiRole;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.context.Context;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a {@link ReportWatermark} into every partition of {@code worker-states}, on a schedule, in
 * the api role. While the broker or this replica's consumer is away, the watermarks stop being
 * applied, and the reconciler waits instead of declaring the sessions of workers it cannot hear
 * {@code lost}.
 */
@ApplicationScoped
@RegisterForReflection(targets = ReportWatermark.class)
public class WatermarkWriter {

    private static final Logger LOG = Logger.getLogger(WatermarkWriter.class);

    // a field: Reactive Messaging connects emitters it finds on fields, not on constructor parameters
    @Inject
    @Channel(Channels.WATERMARKS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1_000)
    MutinyEmitter<String> emitter;

    /** A watermark acknowledged this long after it was written was held up: by the broker, or on the way to it. */
    private static final Duration LATE = Duration.ofSeconds(2);

    private final ReportWatermarks watermarks;
    private final ObjectMapper json;
    private final Clock clock;
    /** Set when a watermark could not be sent: the next one delivered ends the interruption. */
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicReference<Instant> lastResumed = new AtomicReference<>();
    private final URI source;
    private final int partitions;

    public WatermarkWriter(ReportWatermarks watermarks, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "emogg.events.source", defaultValue = "/emogg/sessions") URI source,
            @ConfigProperty(name = "emogg.topics.partitions", defaultValue = "6") int partitions) {
        this.watermarks = watermarks;
        this.json = json;
        this.clock = clock;
        this.source = source;
        this.partitions = partitions;
    }

    // delayed: the first run creates this bean, and its emitter only connects once Reactive Messaging
    // is wired up, which took over 3 s on a loaded 2-core machine; the deadlines wait meanwhile anyway
    @Scheduled(identity = "report-watermarks", every = "${emogg.reconciler.mark-interval:PT1S}", delayed = "PT10S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = OutsideApiRole.class)
    void mark() {
        Instant at = clock.instant();
        for (int partition = 0; partition < partitions; partition++) {
            send(partition, at);
        }
    }

    private void send(int partition, Instant at) {
        String payload;
        try {
            payload = json.writeValueAsString(new ReportWatermark(ReportWatermark.SCHEMA_VERSION, partition, Dates.format(at)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a watermark that cannot be written as JSON is a bug", e);
        }
        Message<String> message = CloudEvents.message(UUID.randomUUID().toString(), ReportWatermark.TYPE, source, null, at, payload,
                OutgoingKafkaRecordMetadata.<String>builder().withPartition(partition).build(), Context.root());
        // a watermark that does not arrive is replaced by the next one: nothing to retry, only to note
        try {
            emitter.sendMessage(message)
                    .subscribe().with(sent -> delivered(at), failure -> {
                        interrupted.set(true);
                        LOG.debugf("watermark for partition %d not sent: %s", partition, failure.getMessage());
                    });
        } catch (RuntimeException e) {
            // the buffer is full while the broker is away: later marks say the same, only newer
            interrupted.set(true);
            LOG.debugf("watermark for partition %d not sent: %s", partition, e.getMessage());
        }
    }

    /**
     * A watermark the broker acknowledged late, or the first after failed ones, means the path through
     * the broker was interrupted and works again now: the workers' reports were held back as well,
     * and may be written only from now on (see {@link ReportWatermarks#resumed}). Recorded at most once a
     * second, since a whole backlog of late watermarks arrives at once.
     */
    private void delivered(Instant at) {
        Instant now = clock.instant();
        boolean late = Duration.between(at, now).compareTo(LATE) > 0;
        if (!(interrupted.getAndSet(false) | late)) {
            return;
        }
        Instant last = lastResumed.get();
        if (last != null && Duration.between(last, now).compareTo(Duration.ofSeconds(1)) < 0 || !lastResumed.compareAndSet(last, now)) {
            return;
        }
        // once per interruption, not once a second while watermarks keep coming late
        boolean firstInAWhile = last == null || Duration.between(last, now).compareTo(Duration.ofMinutes(1)) > 0;
        watermarks.resumed(now).subscribe().with(done -> LOG.logf(firstInAWhile ? Logger.Level.INFO : Logger.Level.DEBUG,
                "the broker path was interrupted (a watermark came late or failed); workers' silence counts from %s",
                Dates.format(now)), failure -> {
                    // not recorded: the next watermark delivered tries again
                    interrupted.set(true);
                    lastResumed.set(null);
                    LOG.warnf("the end of an interruption of the broker path was not recorded: %s", failure.getMessage());
                });
    }
}
