package com.emogg.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import com.emogg.platform.runtime.Traces;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * A worker: owns the sessions of the {@code session-commands} partitions Kafka assigns it, runs
 * one {@link StreamAnalysis} task per running session ({@link RunningSessions}) and reports their states.
 *
 * <p><b>Ownership and resumption.</b> {@code session-commands} is the desired-state log of every
 * session (keyed, so one session's commands share a partition; compacted, so it keeps the last
 * command of each). When a partition is assigned, the worker reads it again from the beginning up
 * to its end at that moment, without acting, to learn the last command of each session; then it
 * starts the sessions whose last command is a start and that have not expired. A session whose
 * last command is a stop is never started. After that catch-up it follows the partition live. So
 * a worker that takes over after a rebalance or a crash resumes exactly what should run, with no
 * state other than Kafka's. A settled session's tombstone (a record without a value, written once
 * it reached a terminal worker state) makes the worker forget it; compaction then removes its
 * records, so the catch-up reads what may still run rather than all history.
 *
 * <p><b>Why a plain consumer</b> rather than a Reactive Messaging {@code @Incoming} channel: the
 * catch-up needs the partition's end offset at assignment and a rewind of each newly assigned
 * partition, and tests need several workers in one process; a consumer owned by this class makes
 * both direct. Reports still go through a Reactive Messaging channel ({@link WorkerReports}).
 *
 * <p>Everything below runs on the worker's own thread (Kafka calls the rebalance listener from
 * {@code poll}); only the tasks' listeners are called from probe threads, and they only touch a
 * session's volatile state and send reports.
 */
public final class SessionWorker {

    private static final Logger LOG = Logger.getLogger(SessionWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(5);
    private static final int REMEMBERED_EVENTS = 100_000;

    private final WorkerIdentity identity;
    private final String workerId;
    private final Map<String, Object> kafka;
    private final String topic;
    private final String group;
    private final DeadLetters deadLetters;
    private final Duration stopConfirmWindow;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Tracer tracer;

    private final Map<TopicPartition, OwnedPartition> owned = new HashMap<>();
    private final RunningSessions running;
    private final SeenCommands seen = new SeenCommands(REMEMBERED_EVENTS);
    private final SettledSessions settled = new SettledSessions(REMEMBERED_EVENTS);

    private volatile boolean stopRequested;
    private volatile boolean healthy;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;
    private Gauge info;
    private Instant nextCommit = Instant.EPOCH;

    SessionWorker(WorkerIdentity identity, Map<String, Object> kafka, String topic, WorkerConfig config, StreamAnalysis analysis,
            WorkerReports reports, DeadLetters deadLetters, ObjectMapper json, Clock clock, MeterRegistry registry, Tracer tracer) {
        this.identity = identity;
        this.workerId = identity.id();
        this.kafka = kafka;
        this.topic = topic;
        this.group = config.group();
        this.deadLetters = deadLetters;
        this.running = new RunningSessions(identity, analysis, reports, new MediaFolders(Path.of(config.mediaDir())),
                config.heartbeatInterval(), clock.millis());
        this.stopConfirmWindow = config.stopConfirmWindow();
        this.json = json;
        this.clock = clock;
        this.registry = registry;
        this.tracer = tracer;
    }

    public String id() {
        return workerId;
    }

    public WorkerIdentity identity() {
        return identity;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        stopRequested = false;
        // one series per running worker process (bounded): its name next to the host's other metrics
        info = Gauge.builder("emogg.worker.info", () -> 1).tags("worker", workerId, "run", identity.run())
                .description("1 while this worker runs, named as in its reports and logs").register(registry);
        thread = new Thread(this::run, "emogg-worker-" + workerId);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops without reporting anything: the sessions' tasks end and the partitions go back to the
     * group, whose next owner resumes them. What a shutting-down (or dying) worker does.
     */
    public void stop() {
        Thread worker;
        synchronized (this) {
            worker = thread;
            thread = null;
            if (info != null) {
                registry.remove(info);
                info = null;
            }
        }
        if (worker == null) {
            return;
        }
        stopRequested = true;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            worker.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while the consumer is in its group: its last heartbeat to the group coordinator is recent. */
    public boolean isHealthy() {
        return healthy;
    }

    /** The sessions this worker runs now, for tests and diagnostics. */
    public List<String> runningSessions() {
        return running.view();
    }

    private void run() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "emogg-worker-" + workerId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // notice a topic created after start (on a fresh cluster) in seconds, not 5 minutes
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
        try (KafkaConsumer<String, String> kafkaConsumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer = kafkaConsumer;
            kafkaConsumer.subscribe(List.of(topic), new Ownership(kafkaConsumer));
            LOG.infof("worker %s follows %s in group %s", identity, topic, group);
            while (!stopRequested) {
                for (ConsumerRecord<String, String> record : kafkaConsumer.poll(POLL)) {
                    handle(record);
                }
                afterPoll(kafkaConsumer);
            }
        } catch (WakeupException e) {
            // stop() woke the consumer up
        } catch (RuntimeException e) {
            LOG.errorf(e, "worker %s stopped on an unexpected failure", workerId);
        } finally {
            healthy = false;
            consumer = null;
            running.stopAll();
            owned.clear();
            LOG.infof("worker %s stopped; its sessions go to the next owner", workerId);
        }
    }

    private void handle(ConsumerRecord<String, String> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        OwnedPartition log = owned.get(partition);
        if (log == null) {
            return;
        }
        SessionCommand command = null;
        try {
            command = SessionCommand.read(headers(record), record.key(), record.value(), json);
            if (command == null) {
                registry.counter("emogg.events.skipped", "topic", "session-commands", "type", String.valueOf(headers(record).get("ce_type")))
                        .increment();
            }
        } catch (IllegalArgumentException e) {
            if (log.caughtUp()) {
                // dead-lettered once, when first seen live; a later replay only skips it
                registry.counter("emogg.events.rejected", "topic", "session-commands", "why", "unreadable").increment();
                LOG.warnf("unreadable record at %s offset %d, sent to the dead-letter topic: %s", partition, record.offset(), e.getMessage());
                deadLetters.send(record, e.getMessage());
            }
        }
        if (command != null) {
            if (!log.caughtUp()) {
                remember(command);
                log.replayed(command);
            } else if (command.eventId() != null && seen.contains(command.eventId())) {
                registry.counter("emogg.worker.duplicate.commands").increment();
            } else {
                // the trace of the request that caused the command goes on through the work and its reports
                Span span = tracer.spanBuilder("session-commands process").setSpanKind(SpanKind.CONSUMER)
                        .setParent(Traces.parent(headers(record).get("traceparent")))
                        .setAttribute("emogg.session.id", command.sessionId()).startSpan();
                try (Scope scope = span.makeCurrent()) {
                    live(log, command, partition);
                } finally {
                    span.end();
                }
            }
        }
        if (log.replayedUpTo(record.offset())) {
            resume(log, partition);
        }
    }

    /** After catch-up: start what should run and is not running, and confirm again the recent stops. */
    private void resume(OwnedPartition log, TopicPartition partition) {
        OwnedPartition.Takeover takeover = log.takeOver(clock.instant(), stopConfirmWindow, running::contains);
        takeover.start().forEach(command -> running.begin(command, partition));
        takeover.confirm().forEach(command -> running.finish(command.sessionId(), command.removeMedia()));
        LOG.infof("worker %s owns %s: %d sessions known, %d running, %d recent stops confirmed", workerId, partition,
                log.sessions(), takeover.start().size(), takeover.confirm().size());
    }

    private void live(OwnedPartition log, SessionCommand command, TopicPartition partition) {
        remember(command);
        switch (log.live(command)) {
            case START -> {
                if (!running.contains(command.sessionId())) {
                    running.begin(command, partition);
                }
            }
            case STOP -> running.finish(command.sessionId(), command.removeMedia());
            case FORGET -> {
                if (running.forget(command.sessionId())) {
                    LOG.warnf("session %s was settled while it still ran here: its task ended without its stop", command.sessionId());
                }
            }
            case IGNORE -> LOG.debugf("start of stopped or settled session %s ignored", command.sessionId());
        }
    }

    /** A tombstone written without headers has no event id: it is never taken for a duplicate. */
    private void remember(SessionCommand command) {
        if (command.eventId() != null) {
            seen.add(command.eventId());
        }
    }

    private void afterPoll(KafkaConsumer<String, String> kafkaConsumer) {
        Instant now = clock.instant();
        running.tick(now);
        if (!now.isBefore(nextCommit)) {
            nextCommit = now.plus(COMMIT_INTERVAL);
            commitProgress(kafkaConsumer);
        }
        healthy = groupHeartbeatFresh(kafkaConsumer);
    }

    /** Commits where each caught-up partition is: not for recovery (catch-up rereads), but so consumer lag shows the backlog. */
    private void commitProgress(KafkaConsumer<String, String> kafkaConsumer) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        owned.forEach((partition, log) -> {
            if (log.caughtUp()) {
                positions.put(partition, new OffsetAndMetadata(kafkaConsumer.position(partition)));
            }
        });
        if (!positions.isEmpty()) {
            kafkaConsumer.commitAsync(positions, (offsets, failure) -> {
                if (failure != null) {
                    LOG.debugf("offsets not committed: %s", failure.getMessage());
                }
            });
        }
    }

    private static boolean groupHeartbeatFresh(KafkaConsumer<String, String> kafkaConsumer) {
        for (Map.Entry<MetricName, ? extends Metric> metric : kafkaConsumer.metrics().entrySet()) {
            if ("last-heartbeat-seconds-ago".equals(metric.getKey().name())) {
                Object value = metric.getValue().metricValue();
                return value instanceof Number seconds && seconds.doubleValue() >= 0 && seconds.doubleValue() < 30;
            }
        }
        return false;
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Rewinds newly assigned partitions for the catch-up; hands revoked ones back without a report. */
    private final class Ownership implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, String> kafkaConsumer;

        Ownership(KafkaConsumer<String, String> kafkaConsumer) {
            this.kafkaConsumer = kafkaConsumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = kafkaConsumer.endOffsets(partitions);
            Map<TopicPartition, Long> beginnings = kafkaConsumer.beginningOffsets(partitions);
            kafkaConsumer.seekToBeginning(partitions);
            List<TopicPartition> empty = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                long end = ends.getOrDefault(partition, 0L);
                boolean nothingToReplay = end <= beginnings.getOrDefault(partition, 0L);
                owned.put(partition, new OwnedPartition(end, nothingToReplay, settled));
                if (nothingToReplay) {
                    empty.add(partition);
                }
            }
            LOG.debugf("worker %s assigned %s (%d empty)", workerId, partitions, empty.size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions);
        }

        private void release(Collection<TopicPartition> partitions) {
            running.release(partitions);
            partitions.forEach(owned::remove);
        }
    }
}
