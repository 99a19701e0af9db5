package com.emogg.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
 * <li><b>Order.</b> Rows are read in {@code seq} order (commit order per session) and sent at once,
 * but a session's next event of a stream only once the one before was acknowledged
 * ({@link SessionOrder}): a failure can then never let a later event reach the topic first. The reads do not wait for the acknowledgements: while events are out, the relay reads
 * again (what is not out yet), sends, and marks what the broker acknowledged, so an event waits
 * for the broker, not for the rest of a batch. (Rounds that read, sent and waited for all of a
 * batch were the first design: at 900 stops a second, three events each, the outbox fell seconds
 * behind.) After a failure it marks what was acknowledged, forgets what was out, and reads the
 * table again: the rest goes out again, in order.</li>
 * <li><b>At least once.</b> A row is marked published only after the broker acknowledged it. A failed
 * or unacknowledged send is retried with exponential backoff, so an outage delays events and never
 * loses one. Duplicates happen only when an acknowledgement is lost (a timeout, or a relay dying
 * between the broker's ack and the mark); consumers drop them by {@code ce_id}.</li>
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
    /** {@code published_at} is when the broker acknowledged the event, not when the mark was written. */
    private static final String MARK_PUBLISHED = "update outbox set published_at = acked.at "
            + "from unnest($1::bigint[], $2::timestamptz[]) as acked(seq, at) where outbox.seq = acked.seq";
    /** While events are out, read at most this often: a burst of commits and acknowledgements makes one read, not hundreds. */
    private static final Duration READ_SPACING = Duration.ofMillis(5);
    /** Mark at most this often, unless {@link #MARK_AT_ONCE} wait: each mark is a durable commit. */
    private static final Duration MARK_SPACING = Duration.ofMillis(100);
    private static final int MARK_AT_ONCE = 500;
    /** Events out at once, at most: four reads' worth. */
    private static final int BATCHES_OUT = 4;
    private static final String DELETE_PUBLISHED = "delete from outbox where seq in "
            + "(select seq from outbox where published_at < $1 limit 10000)";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);

    private final String name;
    private final Vertx vertx;
    private final PgConnectOptions connectOptions;
    private final Pool pool;
    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final EventsInFlight inFlight;

    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean stopRequested;
    private volatile Instant drainUntil = Instant.MAX;
    /** The connection holding the advisory lock (and the LISTEN) while this relay leads. */
    private volatile PgConnection leadership;
    private volatile Thread thread;
    private Instant nextCleanup = Instant.EPOCH;
    private Instant nextLeadershipCheck = Instant.EPOCH;
    private long lastMarkNanos = System.nanoTime();
    private long lastGaugeNanos = System.nanoTime();

    /** What a step of the relay did: read a full batch (go on), has events out (wait a little), or nothing at all. */
    private enum Step {
        BUSY, WAITING, IDLE
    }

    RelayLoop(String name, Vertx vertx, PgConnectOptions connectOptions, Pool pool, EventPublisher publisher,
            RelayConfig config, RelayMetrics metrics, Clock clock) {
        this.name = name;
        this.vertx = vertx;
        this.connectOptions = connectOptions;
        this.pool = pool;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.inFlight = new EventsInFlight(new SessionOrder(publisher::send, ForkJoinPool.commonPool()), clock, wakeUp::release);
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
            try {
                if (!lead()) {
                    letGo();
                    if (stopping) {
                        break;
                    }
                    pause(config.leaderRetry());
                    continue;
                }
                Step step = step(stopping);
                backoff = config.backoffMin();
                if (step == Step.IDLE) {
                    if (stopping) {
                        break;
                    }
                    housekeeping();
                    pause(config.pollInterval());
                } else if (step == Step.WAITING) {
                    LockSupport.parkNanos(READ_SPACING.toNanos());
                    pause(MARK_SPACING);
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
        letGo();
        resign();
        LOG.debugf("relay %s stopped", name);
    }

    /**
     * Takes in the broker's answers, reads and sends what is not out yet (as far as there is room),
     * and marks the acknowledged events when it is time.
     */
    private Step step(boolean stopping) {
        inFlight.collect(config.sendTimeout());
        if (inFlight.failure() != null) {
            recover();
        }
        int room = config.batchSize() * BATCHES_OUT - inFlight.size();
        int limit = Math.min(config.batchSize(), room);
        int read = 0;
        if (limit > 0) {
            List<PendingEvent> fresh = new ArrayList<>();
            for (Row row : pool.preparedQuery(PENDING).execute(Tuple.of(limit, inFlight.seqs())).await().atMost(CONNECT_TIMEOUT)) {
                fresh.add(PendingEvent.of(row));
            }
            inFlight.send(fresh);
            read = fresh.size();
        }
        boolean nothingOut = !inFlight.awaitingAcknowledgements();
        if (inFlight.awaitingMark() >= MARK_AT_ONCE || System.nanoTime() - lastMarkNanos >= MARK_SPACING.toNanos()
                || nothingOut && (read == 0 || stopping)) {
            mark();
        }
        if (System.nanoTime() - lastGaugeNanos >= 1_000_000_000L || inFlight.size() == 0) {
            lastGaugeNanos = System.nanoTime();
            metrics.oldestUnpublished(inFlight.oldest(), clock.instant());
        }
        if (limit > 0 && read == limit) {
            return Step.BUSY;
        }
        return inFlight.size() == 0 && read == 0 ? Step.IDLE : Step.WAITING;
    }

    /**
     * After a failure: waits (at most the send timeout) for the answers of what is still out, marks
     * what was acknowledged, and forgets the rest, which the next read finds again in the table.
     */
    private void recover() {
        Throwable failure = inFlight.failure();
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        while (inFlight.awaitingAcknowledgements() && System.nanoTime() < deadline && !stopRequested) {
            pause(Duration.ofMillis(100));
            inFlight.collect(config.sendTimeout());
        }
        mark();
        int forgotten = inFlight.reset();
        throw new IllegalStateException(forgotten + " events sent were not acknowledged", failure);
    }

    /** Out of the lead (or stopping): what the broker acknowledged is marked, the rest is left to the next relay. */
    private void letGo() {
        if (inFlight.size() == 0) {
            return;
        }
        inFlight.collect(config.sendTimeout());
        try {
            mark();
        } catch (RuntimeException e) {
            LOG.debugf("relay %s: acknowledged events not marked (they go out again): %s", name, describe(e));
        }
        inFlight.reset();
    }

    private void mark() {
        List<EventsInFlight.Acknowledged> acknowledged = inFlight.toMark();
        lastMarkNanos = System.nanoTime();
        if (acknowledged.isEmpty()) {
            return;
        }
        Long[] seqs = new Long[acknowledged.size()];
        OffsetDateTime[] at = new OffsetDateTime[acknowledged.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = acknowledged.get(i).event().seq();
            at[i] = acknowledged.get(i).at().atOffset(ZoneOffset.UTC);
        }
        pool.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(seqs, at)).await().atMost(CONNECT_TIMEOUT);
        acknowledged.forEach(event -> metrics.published(event.event(), event.at()));
        inFlight.marked(acknowledged);
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

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
