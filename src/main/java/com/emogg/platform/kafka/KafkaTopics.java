package com.emogg.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates the application's topics when they are missing, with the partitioning and clean-up policy
 * the design relies on. Production clusters normally declare them (deploy/ has Strimzi manifests);
 * this makes the local run, the tests and a bare broker work the same. Runs in the background and
 * retries: a broker that is down at start must not keep the API from starting.
 */
@ApplicationScoped
public class KafkaTopics {

    private static final Logger LOG = Logger.getLogger(KafkaTopics.class);

    /**
     * {@code session-commands}: compacted, and each settled session gets a tombstone, so the log
     * keeps the sessions that may still run rather than all history, and a worker's replay of a
     * partition at a takeover stays short (README, "Workers"). Where the topics are declared rather
     * than created here (deploy/base/topics.yaml, the compose file), they need the same settings.
     *
     * <ul>
     * <li>{@code segment.ms} 1 h: the cleaner never touches the active segment, so a partition that
     * does not fill 1 GB would keep its whole history in it; rolled hourly, at most the last hour is
     * left uncompacted by it.</li>
     * <li>{@code min.compaction.lag.ms} 10 min: a record stays as written at least this long, so the
     * owner of a session, even 10 minutes behind, reads its stop (and its {@code removeMedia})
     * rather than only the tombstone that supersedes it.</li>
     * <li>{@code max.compaction.lag.ms} 6 h: a partition too quiet to pass the cleaner's dirty ratio
     * is compacted all the same.</li>
     * <li>{@code delete.retention.ms} 1 h: how long a tombstone stays once compaction reached it.
     * A worker replaying a partition must reach a session's tombstone before it goes, or, having read
     * the session's start and not its stop (compacted under it), it would start a settled session.
     * A replay runs only while its worker stays in the group (one that drops out, cut off or stalled,
     * loses the partition and starts over when it gets one back), and takes seconds (README,
     * "Workers"); an hour is a wide margin, and keeps what a takeover rereads to the sessions settled
     * in the last hours. A start sent again after its tombstone went is ignored all the same by a
     * worker that read the tombstone (its memory of settled sessions), and relays send one again only right
     * after a failure, with its stop and tombstone behind it.</li>
     * </ul>
     */
    static final Map<String, String> SESSION_COMMANDS_CONFIG = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()),
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(Duration.ofHours(6).toMillis()),
            TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));

    private final Map<String, Object> kafka;
    private final boolean create;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final String sessionCommands;
    private final String workerStates;
    private final String sessionEvents;
    private final Duration factsRetention;

    public KafkaTopics(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "emogg.topics.create", defaultValue = "true") boolean create,
            @ConfigProperty(name = "emogg.topics.partitions", defaultValue = "6") int partitions,
            @ConfigProperty(name = "emogg.topics.replication-factor") Optional<Short> replicationFactor,
            @ConfigProperty(name = "emogg.topics.session-commands") String sessionCommands,
            @ConfigProperty(name = "emogg.topics.worker-states") String workerStates,
            @ConfigProperty(name = "emogg.topics.session-events") String sessionEvents,
            @ConfigProperty(name = "emogg.topics.session-events-retention", defaultValue = "P30D") Duration factsRetention) {
        this.kafka = kafka;
        this.create = create;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.sessionCommands = sessionCommands;
        this.workerStates = workerStates;
        this.sessionEvents = sessionEvents;
        this.factsRetention = factsRetention;
    }

    void onStart(@Observes StartupEvent startup) {
        if (create) {
            ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "emogg-kafka-topics");
                thread.setDaemon(true);
                return thread;
            });
            retries.execute(() -> attempt(retries, Duration.ofSeconds(1)));
        }
    }

    /** The topics, created when missing; true once they all exist. */
    public boolean ensure() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : wanted()) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(15, TimeUnit.SECONDS);
                LOG.infof("created Kafka topics %s", missing.stream().map(NewTopic::name).toList());
            }
            return true;
        } catch (Exception e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                return true; // another replica was faster
            }
            LOG.warnf("Kafka topics not checked yet (%s); retrying", e.getMessage());
            return false;
        }
    }

    private List<NewTopic> wanted() {
        // one session's commands form its desired-state log: compaction keeps the latest per session
        NewTopic commands = new NewTopic(sessionCommands, Optional.of(partitions), replicationFactor).configs(SESSION_COMMANDS_CONFIG);
        // reports only matter until applied: a week of them is plenty
        NewTopic reports = new NewTopic(workerStates, Optional.of(partitions), replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis())));
        NewTopic commandsDeadLetters = new NewTopic(sessionCommands + "-dlq", Optional.of(1), replicationFactor);
        NewTopic reportsDeadLetters = new NewTopic(workerStates + "-dlq", Optional.of(1), replicationFactor);
        // the public history of sessions: kept long enough for consumers to catch up after an outage
        NewTopic facts = new NewTopic(sessionEvents, Optional.of(partitions), replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(factsRetention.toMillis())));
        return List.of(commands, reports, commandsDeadLetters, reportsDeadLetters, facts);
    }

    private void attempt(ScheduledExecutorService retries, Duration wait) {
        if (ensure()) {
            retries.shutdown();
            return;
        }
        Duration next = wait.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : wait.multipliedBy(2);
        retries.schedule(() -> attempt(retries, next), wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
