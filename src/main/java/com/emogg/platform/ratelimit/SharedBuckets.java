package com.emogg.platform.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The users' buckets in PostgreSQL, shared by every replica, and this replica's leases from them.
 * What leases and gives back points is one statement for many users at once: asked leases wait a
 * few milliseconds to go together, unless a request waits for one. One statement is under way at a
 * time; what is asked meanwhile goes with the next.
 */
final class SharedBuckets {

    private static final Logger LOG = Logger.getLogger(SharedBuckets.class);
    /** How long a lease asked in the background waits for others to go with it. */
    private static final long GATHER_MILLIS = 10;
    private static final int MOST_USERS_AT_ONCE = 1000;

    /**
     * $1 user ids (distinct), $2 the points each asks for, $3 the points each gives back, $4
     * capacity, $5 refill per second, $6 a request's cost. A user that asks for points or gives some
     * back: its bucket is refilled for the time since it was last written, gets back what is given
     * back (at most full), and grants up to what is asked, at most half of what it holds but at least
     * one request's cost, never more than it holds; a user without a bucket gets a full one. A user
     * that asks for nothing: its bucket is only read. Returns each user's grant and the points left.
     * The rows are locked in the order of the user ids, so two replicas' statements never deadlock.
     * The commit is asynchronous ({@code synchronous_commit} off for this transaction alone): a crash
     * of PostgreSQL can forget the last fraction of a second of leases, so those points could be
     * leased again, and nothing else; no request waits for a disk flush.
     */
    static final String LEASE = "with async as (select set_config('synchronous_commit', 'off', true)), "
            + "asked as (select a.user_id, a.wanted, a.returned from unnest($1::text[], $2::int[], $3::int[]) "
            + "as a (user_id, wanted, returned), async), "
            + "current as (select r.user_id, a.wanted, least($4::float8, " + refilled("r") + " + a.returned) as available "
            + "from rate_limits r join asked a on a.user_id = r.user_id where a.wanted > 0 or a.returned > 0 "
            + "order by r.user_id for update of r), "
            + "decided as (select user_id, available, " + grant("available") + " as granted from current), "
            + "updated as (update rate_limits r set tokens = d.available - d.granted, updated_at = now() from decided d "
            + "where r.user_id = d.user_id returning r.user_id, d.granted, r.tokens), "
            + "created as (insert into rate_limits (user_id, tokens, updated_at) select a.user_id, $4::float8 - "
            + grant("$4::float8") + ", now() from asked a where (a.wanted > 0 or a.returned > 0) "
            + "and not exists (select 1 from current c where c.user_id = a.user_id) "
            + "order by a.user_id on conflict (user_id) do nothing returning user_id, ($4::float8 - tokens)::int as granted, tokens), "
            + "viewed as (select a.user_id, 0 as granted, coalesce(least($4::float8, " + refilled("r") + "), $4::float8) as tokens "
            + "from asked a left join rate_limits r on r.user_id = a.user_id where a.wanted = 0 and a.returned = 0) "
            + "select user_id, granted, tokens from updated union all select user_id, granted, tokens from created "
            + "union all select user_id, granted, tokens from viewed";

    private record GivenBack(String userId, int points) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final Terms terms;
    private final ConcurrentLinkedQueue<Lease> asked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<GivenBack> givenBack = new ConcurrentLinkedQueue<>();
    private final Object schedule = new Object();
    /** A request waits for a lease: the next statement goes at once. */
    private volatile boolean urgent;
    // guarded by schedule
    private boolean underWay;
    private long gathering = -1;
    private boolean closed;

    final LongAdder statements = new LongAdder();
    /** Buckets written: points leased or given back. */
    final LongAdder leased = new LongAdder();
    /** Buckets only read: a view refreshed. */
    final LongAdder viewed = new LongAdder();

    SharedBuckets(Pool pool, Vertx vertx, Terms terms) {
        this.pool = pool;
        this.vertx = vertx;
        this.terms = terms;
    }

    private static String refilled(String bucket) {
        return bucket + ".tokens + greatest(0, extract(epoch from now() - " + bucket + ".updated_at)) * $5::float8";
    }

    private static String grant(String available) {
        return "case when wanted >= $6::int and " + available + " >= $6::int then least(wanted, floor(" + available + ")::int, "
                + "greatest($6::int, floor(" + available + " / 2)::int)) else 0 end";
    }

    /** Asks the shared bucket for points for {@code lease}; {@code waited} when a request waits for them. */
    void ask(Lease lease, boolean waited) {
        asked.add(lease);
        if (waited) {
            urgent = true;
        }
        wake();
    }

    void giveBack(String userId, int points) {
        if (points > 0) {
            givenBack.add(new GivenBack(userId, points));
            wake();
        }
    }

    private void wake() {
        synchronized (schedule) {
            if (underWay) {
                return; // the statement under way looks again when it is done
            }
            if (urgent || closed) {
                if (gathering != -1) {
                    vertx.cancelTimer(gathering);
                    gathering = -1;
                }
                underWay = true;
            } else {
                if (gathering == -1) {
                    gathering = vertx.setTimer(GATHER_MILLIS, id -> {
                        synchronized (schedule) {
                            gathering = -1;
                            if (underWay) {
                                return;
                            }
                            underWay = true;
                        }
                        send();
                    });
                }
                return;
            }
        }
        send();
    }

    private void send() {
        urgent = false;
        TreeMap<String, Lease> leases = new TreeMap<>();
        List<Lease> next = new ArrayList<>();
        for (Lease lease; leases.size() < MOST_USERS_AT_ONCE && (lease = asked.poll()) != null;) {
            if (leases.putIfAbsent(lease.userId(), lease) != null) {
                next.add(lease); // one row per user and statement: the next statement asks for this one
            }
        }
        Map<String, Integer> back = new HashMap<>();
        for (GivenBack given; back.size() < MOST_USERS_AT_ONCE && (given = givenBack.poll()) != null;) {
            back.merge(given.userId(), given.points(), Integer::sum);
        }
        TreeMap<String, Integer> wanted = new TreeMap<>();
        leases.forEach((user, lease) -> wanted.put(user, lease.wanted()));
        back.keySet().forEach(user -> wanted.putIfAbsent(user, 0));
        if (!next.isEmpty()) {
            asked.addAll(next);
            urgent = true; // only leases for one request meet twice, and a request waits for each
        }
        if (wanted.isEmpty()) {
            done();
            return;
        }
        String[] users = wanted.keySet().toArray(String[]::new);
        Integer[] wants = wanted.values().toArray(Integer[]::new);
        Integer[] returned = new Integer[users.length];
        for (int i = 0; i < users.length; i++) {
            returned[i] = back.getOrDefault(users[i], 0);
            (wants[i] > 0 || returned[i] > 0 ? leased : viewed).increment();
        }
        statements.increment();
        execute(users, wants, returned).subscribe().with(result -> {
            settle(leases, result);
            done();
        }, failure -> {
            long now = System.nanoTime();
            LOG.debugf("leasing rate-limit points failed: %s", failure.getClass().getSimpleName());
            leases.values().forEach(lease -> lease.failed(now).forEach(waiter -> waiter.fail(failure)));
            done();
        });
    }

    private Uni<RowSet<Row>> execute(String[] users, Integer[] wants, Integer[] returned) {
        return pool.preparedQuery(LEASE).execute(Tuple.of(users, wants, returned, (double) terms.capacity(), terms.refillPerSecond(),
                terms.cost()));
    }

    private void settle(Map<String, Lease> leases, RowSet<Row> result) {
        long now = System.nanoTime();
        for (Row row : result) {
            Lease lease = leases.remove(row.getString(0));
            if (lease == null) {
                continue; // only gave back
            }
            Lease.Settled settled = lease.granted(row.getInteger(1), row.getDouble(2), now);
            settled.answers().forEach(Lease.Answer::give);
            if (settled.askAgain()) {
                ask(lease, true);
            }
            giveBack(lease.userId(), settled.givenBack());
        }
        // a bucket created at the same moment by another replica: this one asks again, and finds it
        leases.values().forEach(lease -> ask(lease, true));
    }

    private void done() {
        synchronized (schedule) {
            underWay = false;
        }
        if (!asked.isEmpty() || !givenBack.isEmpty()) {
            wake();
        }
    }

    /**
     * No more gathering: from now on each lease is asked at once (requests of a replica shutting
     * down lease exactly their cost); gives back what is still to be given back.
     */
    Uni<Void> close() {
        synchronized (schedule) {
            closed = true;
            if (gathering != -1) {
                vertx.cancelTimer(gathering);
                gathering = -1;
            }
        }
        Map<String, Integer> back = new TreeMap<>();
        for (GivenBack given; (given = givenBack.poll()) != null;) {
            back.merge(given.userId(), given.points(), Integer::sum);
        }
        if (back.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] users = back.keySet().toArray(String[]::new);
        Integer[] none = new Integer[users.length];
        java.util.Arrays.fill(none, 0);
        return execute(users, none, back.values().toArray(Integer[]::new)).replaceWithVoid();
    }
}
