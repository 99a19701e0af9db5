package com.emogg.session.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * advisory lock publishes; the lock lives on a dedicated connection, so it passes to another
 * replica as soon as that connection dies with its process. A single publisher is what keeps
 * per-session order simple; it is also fast enough (see the README's benchmark).</li>
 * <li><b>Woken by NOTIFY</b> on that same connection at each commit that recorded events, and polling
 * as the fallback, since notifications are not durable.</li>
 * <li><b>Order.</b> Rows are read in {@code seq} order (commit order per session). A round sends all
 * of them, but a session's next event of a stream only once the one before was acknowledged
 * (see {@link SessionEventPublisher#publish}), and marks, per session and stream, only the
 * acknowledged events before the first that was not: the rest go again next round, after it. (One
 * event per session per round was the first design; a stop records three, so under load each round
 * published a third of what it read and the outbox fell seconds behind. Sending them all at once,
 * trusting the idempotent producer's order, was the second: the crash matrix saw a send time out
 * on the topic's metadata while the next event of the session went through, out of order.)</li>
 * <li><b>At least once.</b> A row is marked published only after the broker acknowledged it. A failed
 * or unacknowledged send is retried with exponential backoff, so an outage delays events and never
 * loses one. Duplicates happen only when an acknowledgement is lost (a timeout, or a relay dying
 * between the broker's ack and the mark); consumers drop them by {@code ce_id}.</li>
 * </ul>
 *
 * It runs on its own thread, blocking on the reactive clients: the loop reads top to bottom, and
 * no event-loop thread ever waits.
 */
public final class SessionEventRelay {

    /** Key of the advisory lock that elects the one relay. */
    static final long LEADER_LOCK = 0x656d_6f67_6772_656cL;
    private static final Logger LOG = Logger.getLogger(SessionEventRelay.class);
    private static final String PENDING = "select " + PendingEvent.COLUMNS
            + " from outbox where published_at is null order by seq limit $1";
    private static final String MARK_PUBLISHED = "update outbox set published_at = now() where seq = any($1)";
    private static final String DELETE_PUBLISHED = "delete from outbox where seq in "
            + "(select seq from outbox where published_at < $1 limit 10000)";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);

    private final String name;
    private final Vertx vertx;
    private final PgConnectOptions connectOptions;
    private final Pool pool;
    private final SessionEventPublisher publisher;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final Clock clock;

    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean stopRequested;
    private volatile Instant drainUntil = Instant.MAX;
    /** The connection holding the advisory lock (and the LISTEN) while this relay leads. */
    private volatile PgConnection leadership;
    private volatile Thread thread;
    private Instant nextCleanup = Instant.EPOCH;
    private Instant nextLeadershipCheck = Instant.EPOCH;

    SessionEventRelay(String name, Vertx vertx, PgConnectOptions connectOptions, Pool pool, SessionEventPublisher publisher,
            RelayConfig config, RelayMetrics metrics, Clock clock) {
        this.name = name;
        this.vertx = vertx;
        this.connectOptions = connectOptions;
        this.pool = pool;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
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
     * another replica takes over at once. {@link Duration#ZERO} stops after the current round.
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
            try {
                if (!lead()) {
                    if (stopping) {
                        break;
                    }
                    pause(config.leaderRetry());
                    continue;
                }
                int published = round();
                backoff = config.backoffMin();
                if (published == 0) {
                    if (stopping) {
                        break;
                    }
                    housekeeping();
                    pause(config.pollInterval());
                }
            } catch (RuntimeException e) {
                metrics.failed();
                LOG.warnf("relay %s: publishing failed, retrying in %d ms: %s", name, backoff.toMillis(), describe(e));
                if (stopping) {
                    break;
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(config.backoffMax()) > 0 ? config.backoffMax() : backoff.multipliedBy(2);
            }
        }
        resign();
        LOG.debugf("relay %s stopped", name);
    }

    /** One round: read the oldest pending events, send them, mark the acknowledged ones. */
    private int round() {
        List<PendingEvent> pending = new ArrayList<>();
        for (Row row : pool.preparedQuery(PENDING).execute(Tuple.of(config.batchSize())).await().atMost(CONNECT_TIMEOUT)) {
            pending.add(PendingEvent.of(row));
        }
        metrics.oldestUnpublished(pending.isEmpty() ? null : pending.get(0).occurredAt(), clock.instant());
        if (pending.isEmpty()) {
            return 0;
        }
        List<PendingEvent> batch = pending;
        List<CompletableFuture<Instant>> acks = new ArrayList<>(batch.size());
        for (CompletableFuture<Void> sent : publisher.publish(batch)) {
            acks.add(sent.thenApply(ignored -> clock.instant()));
        }

        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        List<Long> published = new ArrayList<>(batch.size());
        // session and stream of every event not acknowledged: their later events wait for the next round
        Set<String> held = new HashSet<>();
        Throwable failure = null;
        for (int i = 0; i < batch.size(); i++) {
            PendingEvent event = batch.get(i);
            String order = event.sessionId() + '/' + event.stream();
            try {
                Instant ackedAt = acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (!held.contains(order)) {
                    published.add(event.seq());
                    metrics.published(event, ackedAt);
                }
            } catch (ExecutionException e) {
                held.add(order);
                failure = e.getCause();
            } catch (TimeoutException e) {
                held.add(order);
                failure = new TimeoutException("no acknowledgement from the broker within " + config.sendTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
                break;
            }
        }
        if (!published.isEmpty()) {
            pool.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(published.toArray(Long[]::new))).await().atMost(CONNECT_TIMEOUT);
        }
        if (failure != null) {
            throw new IllegalStateException((batch.size() - published.size()) + " of " + batch.size()
                    + " events not acknowledged", failure);
        }
        return published.size();
    }

    /** True while this relay holds the lock; tries to take it otherwise. */
    private boolean lead() {
        if (leadership != null) {
            return true;
        }
        PgConnection connection = PgConnection.connect(vertx, connectOptions).await().atMost(CONNECT_TIMEOUT);
        boolean locked;
        try {
            locked = connection.preparedQuery("select pg_try_advisory_lock($1)").execute(Tuple.of(LEADER_LOCK))
                    .await().atMost(CONNECT_TIMEOUT).iterator().next().getBoolean(0);
            if (locked) {
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
        metrics.leader(true);
        LOG.infof("relay %s publishes the recorded events now", name);
        return true;
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
        PgConnection connection = leadership;
        if (connection != null) {
            leadership = null;
            metrics.leader(false);
            connection.closeAndForget();
        }
    }

    /** What the lead does when idle: check its lock connection is alive, and delete old published events. */
    private void housekeeping() {
        Instant now = clock.instant();
        PgConnection connection = leadership;
        if (connection != null && now.isAfter(nextLeadershipCheck)) {
            nextLeadershipCheck = now.plus(config.leaderRetry());
            try {
                connection.query("select 1").execute().await().atMost(CONNECT_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warnf("relay %s: its lock connection does not answer, giving up the lead: %s", name, describe(e));
                resign();
            }
        }
        if (now.isAfter(nextCleanup)) {
            nextCleanup = now.plus(CLEANUP_INTERVAL);
            Tuple before = Tuple.of(now.minus(config.retention()).atOffset(java.time.ZoneOffset.UTC));
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

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
