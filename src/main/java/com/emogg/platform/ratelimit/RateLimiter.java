package com.emogg.platform.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.emogg.platform.database.Database;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Per-user token buckets, one budget per user across every replica, without a database write per
 * request. The buckets live in PostgreSQL ({@link SharedBuckets}); each replica leases points from a
 * user's bucket, up to {@code emogg.rate-limit.lease} at a time, and spends them locally
 * ({@link Lease}): the request path takes a point under the user's own monitor and leases more in
 * the background before they run out. A request waits for the database only when this replica holds
 * nothing for its user. A refused request takes nothing.
 *
 * <p>Bounds (README, "Rate limits"): the shared bucket never grants more than it holds, so over any
 * time window a user is admitted at most capacity + refill x window + what the replicas held at
 * its start (at most one lease each). A replica that dies loses what it held (never more than a
 * lease per user): the user gets fewer points, never more. A user silent on a replica for
 * {@code idle-timeout} is forgotten there and its points given back; at most {@code max-users} are
 * kept. While the database is away, requests go on with the points held; one that needs a lease
 * fails like any statement would (503).
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final RateLimitConfig config;
    private final Terms terms;
    private final SharedBuckets buckets;
    private final Vertx vertx;
    private final long idleNanos;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final LongAdder refused = new LongAdder();
    private volatile long sweeper = -1;
    private volatile boolean closed;

    @Inject
    public RateLimiter(Database database, RateLimitConfig config, Vertx vertx, MeterRegistry registry) {
        this(database.pool(), config, vertx, registry);
    }

    /** On a pool of its own: what another replica would be, for a test. */
    public RateLimiter(Pool database, RateLimitConfig config, Vertx vertx, MeterRegistry registry) {
        this.config = config;
        this.terms = Terms.of(config);
        this.vertx = vertx;
        this.buckets = new SharedBuckets(database, vertx, terms);
        this.idleNanos = config.idleTimeout().toNanos();
        FunctionCounter.builder("emogg.rate.limit.statements", buckets.statements, LongAdder::doubleValue)
                .description("Statements on the shared rate-limit buckets (each for many users)").register(registry);
        FunctionCounter.builder("emogg.rate.limit.leases", buckets.leased, LongAdder::doubleValue)
                .description("Users' shared buckets written: points leased or given back").register(registry);
        FunctionCounter.builder("emogg.rate.limit.views", buckets.viewed, LongAdder::doubleValue)
                .description("Users' shared buckets only read, to refresh this replica's view").register(registry);
        FunctionCounter.builder("emogg.rate.limit.refused", refused, LongAdder::doubleValue)
                .description("Requests refused with 429").register(registry);
        Gauge.builder("emogg.rate.limit.users", leases, Map::size)
                .description("Users this replica holds rate-limit points for").register(registry);
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The user's quota after this request: admitted (a point taken) or refused (nothing taken). */
    public Uni<Quota> take(String userId) {
        long now = System.nanoTime();
        Lease lease = leaseOf(userId, now);
        Quota quota = lease.take(now);
        if (quota == null || quota == Lease.RETIRED) {
            return Uni.createFrom().emitter(emitter -> await(userId, emitter));
        }
        return Uni.createFrom().item(answered(lease, quota, now));
    }

    private Quota answered(Lease lease, Quota quota, long now) {
        if (!quota.allowed()) {
            refused.increment();
        } else if (lease.renewalDue(now)) {
            buckets.ask(lease, false);
        }
        return quota;
    }

    /** This replica holds nothing for the user: the request waits for the shared bucket's answer. */
    private void await(String userId, UniEmitter<? super Quota> emitter) {
        Lease.Waiter waiter = new Lease.Waiter() {
            @Override
            public void answer(Quota quota) {
                if (!quota.allowed()) {
                    refused.increment();
                }
                emitter.complete(quota);
            }

            @Override
            public void fail(Throwable failure) {
                emitter.fail(failure);
            }
        };
        while (true) {
            long now = System.nanoTime();
            Lease lease = leaseOf(userId, now);
            Quota quota = lease.takeOrWait(now, waiter);
            if (quota == Lease.RETIRED) {
                leases.remove(userId, lease); // forgotten meanwhile: a fresh lease
                continue;
            }
            if (quota != null) {
                emitter.complete(answered(lease, quota, now));
            } else if (lease.askNow()) {
                buckets.ask(lease, true);
            }
            return;
        }
    }

    private Lease leaseOf(String userId, long now) {
        Lease lease = leases.get(userId);
        if (lease != null) {
            return lease;
        }
        if (closed || leases.size() >= config.maxUsers()) {
            return Lease.single(userId, terms, now);
        }
        startSweeping();
        return leases.computeIfAbsent(userId, id -> new Lease(id, terms, now));
    }

    private void startSweeping() {
        if (sweeping.compareAndSet(false, true)) {
            long every = Math.max(100, Math.min(10_000, Duration.ofNanos(idleNanos).toMillis() / 2));
            sweeper = vertx.setPeriodic(every, id -> forgetIdle(System.nanoTime()));
        }
    }

    /** Forgets the users silent on this replica for the idle timeout, and gives their points back. */
    void forgetIdle(long now) {
        leases.values().forEach(lease -> {
            int held = lease.retire(now, idleNanos);
            if (held >= 0) {
                leases.remove(lease.userId(), lease);
                buckets.giveBack(lease.userId(), held);
            }
        });
    }

    /**
     * Gives back every point this replica holds; from then on each request leases exactly its cost.
     * A replica shutting down thus takes no user's points with it.
     */
    public Uni<Void> close() {
        closed = true;
        if (sweeper != -1) {
            vertx.cancelTimer(sweeper);
        }
        long now = System.nanoTime();
        leases.values().forEach(lease -> {
            int held = lease.retire(now, 0);
            leases.remove(lease.userId(), lease);
            buckets.giveBack(lease.userId(), held);
        });
        return buckets.close();
    }

    void giveBackOnShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent shutdown) {
        try {
            close().await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.infof("rate-limit points held at shutdown were not given back (%s): those users get them back by refill",
                    e.getClass().getSimpleName());
        }
    }

    // for tests: the points this replica holds for a user
    int held(String userId) {
        Lease lease = leases.get(userId);
        return lease == null ? 0 : lease.held();
    }
}
