package com.emogg.worker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
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
 * records, so the catch-up reads what may still run rather than all history. It reads committed
 * records only ({@code isolation.level=read_committed}): the relay publishes in transactions, and
 * what a fenced relay left behind is aborted.
 *
 * <p><b>Cut off from the group.</b> A worker that has not reached its group's coordinator for
 * {@link GroupContact#letGoAfter()} stops its sessions (without a report) before the coordinator can
 * give its partitions to another worker, so no session runs on two workers; it asks to rejoin, and
 * once a rebalance confirms which partitions are still its own, it catches them up again and resumes
 * what should run. (Kafka itself tells a member it lost its partitions only once it reaches the
 * coordinator again, long after another worker took them.)
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
    private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POSITION_TIMEOUT = Duration.ofMillis(100);

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
    /** Assigned, paused until their catch-up can start (their end offsets known). */
    private final Set<TopicPartition> pending = new LinkedHashSet<>();
    /** Assigned as far as this worker knows, their sessions stopped for want of the coordinator, until a rebalance confirms them. */
    private final Set<TopicPartition> suspended = new LinkedHashSet<>();
    private final GroupContact contact;
    private final RunningSessions running;
    /** The commands acted on, so a duplicate is ignored. */
    private final RecentIds seenCommands = new RecentIds(REMEMBERED_EVENTS);
    /** The sessions whose tombstone was read, shared by the partitions. */
    private final RecentIds settledSessions = new RecentIds(REMEMBERED_EVENTS);

    /** When the last question the group's coordinator answered was asked (System.nanoTime), and whether one is out. */
    private volatile long answeredAskedAt = System.nanoTime();
    private volatile boolean asking;
    private long lastAsked = System.nanoTime();
    private volatile boolean stopRequested;
    private volatile boolean healthy;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile Admin coordinator;
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
        this.contact = GroupContact.of(kafka);
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
        // the relay publishes in transactions: only what committed is a command
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // notice a topic created after start (on a fresh cluster) in seconds, not 5 minutes
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
        try (KafkaConsumer<String, String> kafkaConsumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
                Admin coordinator = Admin.create(adminSettings())) {
            consumer = kafkaConsumer;
            this.coordinator = coordinator;
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
            coordinator = null;
            running.stopAll();
            owned.clear();
            pending.clear();
            suspended.clear();
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
        if (log.reached(record.offset())) {
            resume(log, partition); // past the end the partition had at assignment: what follows is live
        }
        if (command != null) {
            if (!log.caughtUp()) {
                remember(command);
                log.replayed(command);
            } else if (command.eventId() != null && seenCommands.contains(command.eventId())) {
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
            seenCommands.add(command.eventId());
        }
    }

    private void afterPoll(KafkaConsumer<String, String> kafkaConsumer) {
        Instant now = clock.instant();
        double silence = lastHeartbeatSecondsAgo(kafkaConsumer);
        askCoordinator();
        Duration sinceAnswered = Duration.ofNanos(System.nanoTime() - answeredAskedAt);
        if ((!owned.isEmpty() || !pending.isEmpty()) && contact.lost(sinceAnswered)) {
            suspend(kafkaConsumer, sinceAnswered);
        }
        prepare(kafkaConsumer);
        for (Map.Entry<TopicPartition, OwnedPartition> log : owned.entrySet()) {
            if (!log.getValue().caughtUp() && log.getValue().reached(position(kafkaConsumer, log.getKey()))) {
                resume(log.getValue(), log.getKey());
            }
        }
        running.tick(now);
        if (!now.isBefore(nextCommit)) {
            nextCommit = now.plus(COMMIT_INTERVAL);
            commitProgress(kafkaConsumer);
        }
        healthy = silence >= 0 && silence < 30 && suspended.isEmpty();
    }

    /**
     * Stops the sessions of every partition this worker holds, before the coordinator gives them to
     * another worker, and asks to rejoin; the rebalance that follows tells which are still its own.
     */
    private void suspend(KafkaConsumer<String, String> kafkaConsumer, Duration silence) {
        List<TopicPartition> held = new ArrayList<>(owned.keySet());
        held.addAll(pending);
        int sessions = running.view().size();
        running.release(held);
        kafkaConsumer.pause(held);
        owned.clear();
        pending.clear();
        suspended.addAll(held);
        kafkaConsumer.enforceRebalance("no contact with the group coordinator");
        LOG.warnf("worker %s has not reached its group coordinator for %d ms: it stopped its %d sessions before another worker may "
                + "take them, and rejoins (%d partitions until a rebalance confirms them)", workerId, silence.toMillis(), sessions, held.size());
    }

    /**
     * Starts the catch-up of newly assigned partitions: their end offsets (bounded waits: a worker
     * cut off from the brokers must keep looping, to notice and stop its sessions), then a rewind.
     */
    private void prepare(KafkaConsumer<String, String> kafkaConsumer) {
        if (pending.isEmpty()) {
            return;
        }
        List<TopicPartition> partitions = new ArrayList<>(pending);
        Map<TopicPartition, Long> ends;
        Map<TopicPartition, Long> beginnings;
        try {
            ends = kafkaConsumer.endOffsets(partitions, OFFSETS_TIMEOUT);
            beginnings = kafkaConsumer.beginningOffsets(partitions, OFFSETS_TIMEOUT);
        } catch (KafkaException e) {
            LOG.debugf("worker %s: offsets of %s not known yet: %s", workerId, partitions, e.getMessage());
            return;
        }
        kafkaConsumer.seekToBeginning(partitions);
        int empty = 0;
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            boolean nothingToReplay = end <= beginnings.getOrDefault(partition, 0L);
            owned.put(partition, new OwnedPartition(end, nothingToReplay, settledSessions));
            empty += nothingToReplay ? 1 : 0;
        }
        pending.clear();
        kafkaConsumer.resume(partitions);
        LOG.debugf("worker %s catches up %s (%d empty)", workerId, partitions, empty);
    }

    private static long position(KafkaConsumer<String, String> kafkaConsumer, TopicPartition partition) {
        try {
            return kafkaConsumer.position(partition, POSITION_TIMEOUT);
        } catch (KafkaException e) {
            return -1;
        }
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

    /**
     * Asks the coordinator for a description of the group, once per heartbeat interval, one question
     * at a time: an answer proves the path to it works (see {@link GroupContact}).
     */
    private void askCoordinator() {
        Admin admin = coordinator;
        long now = System.nanoTime();
        if (admin == null || asking || now - lastAsked < contact.askEvery().toNanos()) {
            return;
        }
        asking = true;
        lastAsked = now;
        admin.describeConsumerGroups(List.of(group), new DescribeConsumerGroupsOptions().timeoutMs((int) contact.letGoAfter().toMillis()))
                .all().whenComplete((groups, failure) -> {
                    if (failure == null) {
                        answeredAskedAt = Math.max(answeredAskedAt, now);
                    }
                    asking = false;
                });
    }

    private Map<String, Object> adminSettings() {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.") || key.startsWith("sasl.")
                    || key.startsWith("ssl.")) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "emogg-worker-" + workerId + "-contact");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) contact.letGoAfter().toMillis());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) contact.letGoAfter().toMillis());
        return settings;
    }

    /** Seconds since the consumer last sent a heartbeat to its group coordinator; negative before the first. */
    private static double lastHeartbeatSecondsAgo(KafkaConsumer<String, String> kafkaConsumer) {
        for (Map.Entry<MetricName, ? extends Metric> metric : kafkaConsumer.metrics().entrySet()) {
            if ("last-heartbeat-seconds-ago".equals(metric.getKey().name())) {
                Object value = metric.getValue().metricValue();
                return value instanceof Number seconds ? seconds.doubleValue() : -1;
            }
        }
        return -1;
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Queues newly assigned partitions for their catch-up; hands revoked ones back without a report. */
    private final class Ownership implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, String> kafkaConsumer;

        Ownership(KafkaConsumer<String, String> kafkaConsumer) {
            this.kafkaConsumer = kafkaConsumer;
        }

        /**
         * Called at the end of every rebalance, with the partitions it added: those wait for their
         * catch-up; the suspended ones still assigned (the rebalance confirmed them) catch up again.
         */
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            pending.addAll(partitions);
            Set<TopicPartition> assignment = kafkaConsumer.assignment();
            for (TopicPartition partition : suspended) {
                if (assignment.contains(partition)) {
                    pending.add(partition);
                }
            }
            if (!suspended.isEmpty()) {
                LOG.infof("worker %s is in its group again: it catches up %d partitions", workerId, pending.size());
            }
            suspended.clear();
            kafkaConsumer.pause(pending);
            LOG.debugf("worker %s assigned %s", workerId, partitions);
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
            pending.removeAll(partitions);
            suspended.removeAll(partitions);
        }
    }
}
