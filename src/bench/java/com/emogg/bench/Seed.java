package com.emogg.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.emogg.testing.Sleep;

/**
 * The data the scenarios run on, and the resets between runs. Users and sessions go straight into
 * the tables in SQL ({@code generate_series}: a million rows in seconds), shaped as the application
 * writes them; tokens come from the application's admin API, the way operators issue them, since
 * only their hashes are stored.
 */
final class Seed {

    private final Database db;
    private final Api admin;
    private final int poolSize;

    Seed(Database db, Api admin, int poolSize) {
        this.db = db;
        this.admin = admin;
        this.poolSize = poolSize;
    }

    /** Users {@code USERS + from .. USERS + to} of the bench product (the sessions' foreign key needs them). */
    void users(long from, long to) {
        db.update("insert into users (id, product_id, created_at) select " + Ids.sql(Ids.USERS + " + n") + ", ?, now() "
                + "from generate_series(?::bigint, ?::bigint) n on conflict do nothing", Ids.PRODUCT, from, to);
    }

    /** A token for an existing user, through {@code POST /admin/v1/tokens}. */
    String token(String user) {
        var body = Api.expect(admin.post("/admin/v1/tokens", App.ADMIN_TOKEN, Map.of("user", user)), 201, "issuing a token for " + user);
        return body.get("token").asText();
    }

    /**
     * The load users {@code 1..count} (see {@link Users}) with a token each, issued through the admin
     * API from a few threads at once (a thousand one at a time would take a while on a loaded machine).
     */
    Users loadUsers(int count) {
        long started = System.nanoTime();
        users(Ids.LOAD_USERS - Ids.USERS + 1, Ids.LOAD_USERS - Ids.USERS + count);
        java.util.concurrent.ExecutorService issuers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> issued = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String user = Ids.loadUser(i);
                issued.add(issuers.submit(() -> token(user)));
            }
            List<String> tokens = new ArrayList<>();
            for (var token : issued) {
                tokens.add(token.get());
            }
            Progress.line("%,d users with a token each, issued through the admin API in %d ms", count,
                    (System.nanoTime() - started) / 1_000_000);
            return new Users(tokens);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("issuing the load users' tokens failed", e.getCause());
        } finally {
            issuers.shutdownNow();
        }
    }

    /**
     * The stop pool: {@code size} active sessions that no worker picked up (so a stop finishes them at
     * once, {@code worker_state} pending to stopped), ids {@code STOP_POOL + 0..size-1}, session
     * {@code g} owned by load user {@code g % users + 1}.
     */
    void stopPool(int size, int users) {
        long started = System.nanoTime();
        db.update("insert into sessions (id, user_id, product_id, name, type, state, created_at, expires_at, stream_uri, "
                + "remove_media, source_id, source_name, worker_state) "
                + "select " + Ids.sql(Ids.STOP_POOL + " + g") + ", " + Ids.sql(Ids.LOAD_USERS + 1 + " + g % " + users)
                + ", ?, 'bench stop ' || g, 'live_analysis', 'active', "
                + "now() - g * interval '1 millisecond', now() + interval '30 days', 'rtsp://camera.bench.invalid/live', true, "
                + "gen_random_uuid(), 'camera.bench.invalid', 'pending' from generate_series(0, ?) g",
                Ids.PRODUCT, size - 1);
        db.execute("analyze sessions");
        Progress.line("stop pool: %,d active sessions seeded in %d ms", size, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Puts the stop pool back to active for the next run, in one UPDATE. With
     * session_replication_role=replica the row triggers stay silent: resetting the bench is not a
     * change of worker state that the application should hear about (V6 notifies one per row).
     */
    int reactivateStopPool() {
        db.execute("set session_replication_role = replica");
        int reset;
        try {
            reset = db.update("update sessions set state = 'active', finished_at = null, worker_state = 'pending', "
                    + "stop_requested_at = null, stop_attempts = 0 where id >= ? and id < ? and state = 'finished'",
                    Ids.id(Ids.STOP_POOL), Ids.id(Ids.STOP_POOL + poolSize));
        } finally {
            db.execute("reset session_replication_role");
        }
        return reset;
    }

    /** Sessions of the pool the previous run really finished (a stop that found it finished already changed nothing). */
    long stoppedInPool() {
        return db.number("select count(*) from sessions where id >= ? and id < ? and state = 'finished'", Ids.id(Ids.STOP_POOL),
                Ids.id(Ids.STOP_POOL + poolSize));
    }

    /**
     * Waits until the relay published every outbox row, then deletes them: each run starts with an
     * empty outbox, as a steady production one nearly is.
     */
    void drainOutbox(Duration timeout) {
        awaitPublished(0, timeout);
        db.update("delete from outbox where published_at is not null");
    }

    /** Waits until no outbox row after {@code afterSeq} is unpublished. */
    void awaitPublished(long afterSeq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        while (true) {
            long pending = db.number("select count(*) from outbox where published_at is null and seq > ?", afterSeq);
            if (pending == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending + " outbox rows still unpublished after " + timeout.toSeconds()
                        + " s: is the relay running? (see target/bench/app-api.log)");
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                Progress.line("waiting for the relay: %,d outbox rows unpublished", pending);
                lastReport = System.nanoTime();
            }
            Sleep.millis(100);
        }
    }

    /** Vacuum and checkpoint, so that every run starts from the same state of the tables and of the WAL. */
    void settle() {
        db.execute("vacuum analyze sessions");
        db.execute("vacuum analyze outbox");
        db.execute("checkpoint");
    }

    /**
     * The list table: {@code sessions} finished sessions spread round-robin over the load users
     * {@code 1..users} (already seeded), one every 30 seconds going back in time, then ANALYZE.
     */
    void listSessions(int sessions, int users) {
        long started = System.nanoTime();
        db.update("insert into sessions (id, user_id, product_id, name, type, state, created_at, finished_at, expires_at, "
                + "stream_uri, remove_media, source_id, source_name, worker_state) "
                + "select " + Ids.sql(Ids.LIST_SESSIONS + " + g") + ", " + Ids.sql(Ids.LOAD_USERS + 1 + " + g % " + users)
                + ", ?, 'bench list ' || g, 'live_analysis', 'finished', t, t + interval '10 minutes', t + interval '1 day', "
                + "'rtsp://camera.bench.invalid/live', true, gen_random_uuid(), 'camera.bench.invalid', 'stopped' "
                + "from generate_series(0, ?) g, lateral (select now() - g * interval '30 seconds' as t) ts",
                Ids.PRODUCT, sessions - 1);
        db.execute("analyze sessions");
        Progress.line("list table: %,d sessions over %,d users seeded in %d ms", sessions, users, (System.nanoTime() - started) / 1_000_000);
    }
}
