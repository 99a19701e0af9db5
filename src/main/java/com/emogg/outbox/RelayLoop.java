package com.emogg.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Publishes the events recorded in the {@code outbox} table to Kafka, after their transaction
 * committed, at least once and in order per session.
 *
 * <ul>
 * <li><b>One relay at a time.</b> Every api replica runs one, but only the holder of a PostgreSQL
 * advisory lock publishes. The lock lives on a dedicated connection, so it passes to another replica
 * as soon as that connection dies with its process; the connection asks PostgreSQL to probe it
 * ({@code tcp_keepalives_*}, {@code tcp_user_timeout}), so a leader cut off from the database loses
 * the lock within {@code EMOGG_RELAY_LOCK_TIMEOUT} rather than the kernel's two hours.</li>
 * <li><b>Fenced on the broker.</b> Taking the lead, a relay opens a {@link Publication}: a
 * transactional producer of the one id all relays share, whose {@code initTransactions} fences the
 * producer of the leader before it. Then it checks its lock again, and only then reads. So a relay
 * that lost the lock with sends on their way (cut off, paused, slow) publishes nothing after the
 * next leader started: the broker aborts its transaction and refuses what it still sends.</li>
 * <li><b>A leader that cannot reach the broker steps down.</b> It keeps its lock as long as it reaches
 * PostgreSQL, so without this rule a leader cut off from Kafka alone would keep every other replica
 * from publishing. When nothing it sent has been committed for {@code EMOGG_RELAY_LEAD_WITHOUT_BROKER}
 * ({@link BrokerPath}) it gives up the lock, and takes it again only once a broker answers it.</li>
 * <li><b>Woken by NOTIFY</b> on the lock's connection at each commit that recorded events, and polling
 * as the fallback, since notifications are not durable.</li>
 * <li><b>Order.</b> Rows are read in {@code seq} order (commit order per session) and sent in that
 * order through the one producer, in transactions: the broker keeps a producer's records of a
 * partition in the order sent, and a transaction that fails publishes none of its events, which go
 * again, in order, from the table. The relay reads again while a transaction is open and commits it
 * when it has read everything there is, or every {@code EMOGG_RELAY_COMMIT_INTERVAL} under load.</li>
 * <li><b>At least once.</b> A row is marked published only after its transaction committed. A failed
 * commit is retried with exponential backoff, so an outage delays events and never loses one.
 * Duplicates happen only when a mark is lost (a relay dying between the commit and the mark, a
 * commit whose answer timed out); consumers drop them by {@code ce_id}.</li>
 * </ul>
 *
 * It runs on its own thread, blocking on the reactive clients: the loop reads top to bottom, and
 * no event-loop thread ever waits.
 */
public final class RelayLoop {

    /** Key of the advisory lock that elects the one relay. */
    static final long LEADER_LOCK = 0x656d_6f67_6772_656cL;
    private static final Logger LOG = Logger.getLogger(RelayLoop.class);
    private static final String PENDING = "select " + PendingEvent.COLUMNS
            + " from outbox where published_at is null and seq <> all($2::bigint[]) order by seq limit $1";
    /** {@code published_at} is when the broker committed the event's transaction, not when the mark was written. */
    private static final String MARK_PUBLISHED = "update outbox set published_at = $2 where seq = any($1::bigint[])";
    /** Events in one transaction, at most: four reads' worth. */
    private static final int BATCHES_PER_TRANSACTION = 4;
    private static final String DELETE_PUBLISHED = "delete from outbox where seq in "
            + "(select seq from outbox where published_at < $1 limit 10000)";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);
    private static final Duration BROKER_PROBE = Duration.ofSeconds(3);

    private final String name;
    private final Vertx vertx;
    private final PgConnectOptions connectOptions;
    private final Pool pool;
    private final EventPublisher publisher;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final BrokerPath brokerPath;

    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean stopRequested;
    private volatile Instant drainUntil = Instant.MAX;
    /** The connection holding the advisory lock (and the LISTEN) while this relay leads. */
    private volatile PgConnection leadership;
    /** This lead's producer, once opened; the relay's thread only. */
    private Publication publication;
    private volatile Thread thread;
    private Instant nextCleanup = Instant.EPOCH;
    private Instant nextLockCheck = Instant.EPOCH;

    /** A failure on the broker's side (opening the publication, a send, a commit), as opposed to the database's. */
    private static final class BrokerFailure extends RuntimeException {
        BrokerFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    RelayLoop(String name, Vertx vertx, PgConnectOptions connectOptions, Pool pool, EventPublisher publisher,
            RelayConfig config, RelayMetrics metrics, Clock clock) {
        this.name = name;
        this.vertx = vertx;
        this.connectOptions = connectOptions;
        this.pool = pool;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.brokerPath = new BrokerPath(config.leadWithoutBroker());
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        stopRequested = false;
        drainUntil = Instant.MAX;
        thread = new Thread(this::run, "emogg-relay-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops after publishing what is pending, for at most {@code drain}; then gives up the lead so
     * another replica takes over at once. {@link Duration#ZERO} stops at once (what is out is left to the next relay).
     */
    public void stop(Duration drain) {
        Thread running;
        synchronized (this) {
            running = thread;
            if (running == null) {
                return;
            }
            drainUntil = clock.instant().plus(drain);
            stopRequested = true;
        }
        wakeUp.release();
        try {
            running.join(drain.plus(config.sendTimeout()).plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            thread = null;
        }
    }

    public boolean isLeader() {
        return leadership != null;
    }

    /** Look for events now rather than at the next poll. */
    public void wakeUp() {
        wakeUp.release();
    }

    private void run() {
        Duration backoff = config.backoffMin();
        LOG.debugf("relay %s started", name);
        while (!stopRequested || isLeader() && clock.instant().isBefore(drainUntil)) {
            boolean stopping = stopRequested;
            Instant attempt = clock.instant();
            try {
                if (!lead()) {
                    if (stopping) {
                        break;
                    }
                    pause(config.leaderRetry());
                    continue;
                }
                boolean busy = round(stopping);
                backoff = config.backoffMin();
                checkLockWhenDue();
                if (!busy) {
                    if (stopping) {
                        break;
                    }
                    housekeeping();
                    pause(config.pollInterval());
                }
            } catch (BrokerFailure e) {
                metrics.failed();
                closePublication();
                if (Publication.fenced(e)) {
                    // only a relay holding the lock opens a publication: ours is gone, whatever our connection still says
                    LOG.warnf("relay %s was fenced by a newer relay: it no longer leads, and what it had on its way is not published by it",
                            name);
                    resign();
                } else {
                    brokerPath.failed(attempt);
                    if (brokerPath.giveUp(clock.instant())) {
                        LOG.warnf("relay %s: the broker has taken nothing of its events for %d s; it gives up the lead until a broker "
                                + "answers it again (%s)", name, config.leadWithoutBroker().toSeconds(), describe(e));
                        resign();
                    } else {
                        LOG.warnf("relay %s: publishing failed, retrying in %d ms: %s", name, backoff.toMillis(), describe(e));
                    }
                }
                if (stopping) {
                    break;
                }
                pause(backoff);
                backoff = doubled(backoff);
            } catch (RuntimeException e) {
                metrics.failed();
                LOG.warnf("relay %s: the database failed, retrying in %d ms: %s", name, backoff.toMillis(), describe(e));
                closePublication();
                checkLock();
                if (stopping) {
                    break;
                }
                pause(backoff);
                backoff = doubled(backoff);
            }
        }
        closePublication();
        resign();
        LOG.debugf("relay %s stopped", name);
    }

    private Duration doubled(Duration backoff) {
        return backoff.multipliedBy(2).compareTo(config.backoffMax()) > 0 ? config.backoffMax() : backoff.multipliedBy(2);
    }

    /**
     * Reads what is not in the open transaction yet, sends it, and commits when there is nothing more
     * to read, when the transaction is full or has been open {@code EMOGG_RELAY_COMMIT_INTERVAL}, or
     * when stopping. True when it read something (look again at once).
     */
    private boolean round(boolean stopping) {
        int room = config.batchSize() * BATCHES_PER_TRANSACTION - publication.inTransaction().size();
        int limit = Math.min(config.batchSize(), room);
        List<PendingEvent> fresh = new ArrayList<>();
        if (limit > 0) {
            for (Row row : pool.preparedQuery(PENDING).execute(Tuple.of(limit, publication.seqs())).await().atMost(CONNECT_TIMEOUT)) {
                fresh.add(PendingEvent.of(row));
            }
            try {
                publication.send(fresh);
            } catch (RuntimeException e) {
                throw new BrokerFailure("events not sent", e);
            }
        }
        boolean more = limit > 0 && fresh.size() == limit;
        List<PendingEvent> open = publication.inTransaction();
        metrics.oldestUnpublished(!open.isEmpty() ? open.get(0).occurredAt() : null, clock.instant());
        if (!open.isEmpty() && (!more || stopping || room - fresh.size() <= 0 || publication.age().compareTo(config.commitInterval()) >= 0)) {
            commit();
        }
        return !fresh.isEmpty();
    }

    /** Commits the open transaction, then marks its events published as of the commit. */
    private void commit() {
        List<PendingEvent> published;
        try {
            published = publication.commit();
        } catch (RuntimeException e) {
            throw new BrokerFailure("the transaction was not committed", e);
        }
        Instant at = clock.instant();
        brokerPath.published();
        if (published.isEmpty()) {
            return;
        }
        Long[] seqs = published.stream().map(PendingEvent::seq).toArray(Long[]::new);
        // a mark that fails leaves the rows to the next read: published again, duplicates that consumers drop by ce_id
        pool.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(seqs, at.atOffset(ZoneOffset.UTC))).await().atMost(CONNECT_TIMEOUT);
        published.forEach(event -> metrics.published(event, at));
        metrics.oldestUnpublished(null, at);
    }

    /** True while this relay holds the lock and has its publication; tries to get both otherwise. */
    private boolean lead() {
        if (leadership == null && publication != null) {
            closePublication(); // the lock went with its connection: whatever is open is not ours to commit
        }
        if (leadership == null && !takeLock()) {
            return false;
        }
        if (publication == null) {
            try {
                publication = publisher.open(name);
            } catch (RuntimeException e) {
                throw new BrokerFailure("no publication could be opened", e);
            }
            // fenced the relay before us; the lock must still be ours, or a relay that has it would be fenced by us
            if (!checkLock()) {
                closePublication();
                return false;
            }
            LOG.infof("relay %s publishes the recorded events now", name);
        }
        return true;
    }

    private boolean takeLock() {
        if (brokerPath.stayOut()) {
            if (!publisher.brokerAnswers(BROKER_PROBE)) {
                return false;
            }
            LOG.infof("relay %s reaches a broker again: it may lead again", name);
            brokerPath.answered();
        }
        PgConnection connection = PgConnection.connect(vertx, connectOptions).await().atMost(CONNECT_TIMEOUT);
        boolean locked;
        try {
            locked = connection.preparedQuery("select pg_try_advisory_lock($1)").execute(Tuple.of(LEADER_LOCK))
                    .await().atMost(CONNECT_TIMEOUT).iterator().next().getBoolean(0);
            if (locked) {
                connection.query(lockProbes()).execute().await().atMost(CONNECT_TIMEOUT);
                connection.notificationHandler(notification -> wakeUp.release());
                connection.query("listen outbox").execute().await().atMost(CONNECT_TIMEOUT);
            }
        } catch (RuntimeException e) {
            connection.closeAndForget();
            throw e;
        }
        if (!locked) {
            connection.closeAndForget();
            return false;
        }
        connection.closeHandler(() -> lost(connection));
        leadership = connection;
        brokerPath.newLead();
        metrics.leader(true);
        nextLockCheck = clock.instant().plus(config.leaderRetry());
        return true;
    }

    /**
     * The server's side of the lock's connection probes the relay: when the relay's replica stops
     * answering (it died with its machine, or the network between them is cut), PostgreSQL ends the
     * session, which frees the lock for another replica, within the lock timeout.
     */
    private String lockProbes() {
        long seconds = Math.max(3, config.lockTimeout().toSeconds());
        long idle = Math.max(1, seconds / 3);
        long interval = Math.max(1, seconds / 6);
        return "set tcp_keepalives_idle = " + idle + "; set tcp_keepalives_interval = " + interval + "; set tcp_keepalives_count = 3; "
                + "set tcp_user_timeout = " + seconds * 1000;
    }

    private void lost(PgConnection connection) {
        if (leadership == connection) {
            leadership = null;
            metrics.leader(false);
            if (!stopRequested) {
                LOG.warnf("relay %s lost its lead with its database connection; another replica takes over", name);
            }
            wakeUp.release();
        }
    }

    private void resign() {
        closePublication();
        PgConnection connection = leadership;
        if (connection != null) {
            leadership = null;
            metrics.leader(false);
            connection.closeAndForget();
        }
    }

    private void closePublication() {
        Publication open = publication;
        publication = null;
        if (open != null) {
            int left = open.inTransaction().size();
            if (left > 0) {
                // whatever of it the broker already has is aborted: by the next publication's initTransactions at the latest
                LOG.infof("relay %s: %d events of its open transaction are left to the next leader, none published by this one", name, left);
            }
            try {
                open.close();
            } catch (RuntimeException e) {
                LOG.debugf("relay %s: producer not closed cleanly: %s", name, describe(e));
            }
        }
    }

    private void checkLockWhenDue() {
        if (leadership != null && clock.instant().isAfter(nextLockCheck)) {
            checkLock();
        }
    }

    /** True when the lock's connection answers; gives up the lead when it does not. */
    private boolean checkLock() {
        PgConnection connection = leadership;
        if (connection == null) {
            return false;
        }
        nextLockCheck = clock.instant().plus(config.leaderRetry());
        try {
            connection.query("select 1").execute().await().atMost(min(CONNECT_TIMEOUT, config.lockTimeout()));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("relay %s: its lock connection does not answer, giving up the lead: %s", name, describe(e));
            resign();
            return false;
        }
    }

    /** What the lead does when idle: delete old published events. */
    private void housekeeping() {
        Instant now = clock.instant();
        if (leadership != null && now.isAfter(nextCleanup)) {
            nextCleanup = now.plus(CLEANUP_INTERVAL);
            Tuple before = Tuple.of(now.minus(config.retention()).atOffset(ZoneOffset.UTC));
            int deleted;
            do {
                deleted = pool.preparedQuery(DELETE_PUBLISHED).execute(before).await().atMost(CONNECT_TIMEOUT).rowCount();
            } while (deleted == 10_000 && !stopRequested);
        }
    }

    private void pause(Duration duration) {
        try {
            wakeUp.tryAcquire(duration.toMillis(), TimeUnit.MILLISECONDS);
            wakeUp.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
