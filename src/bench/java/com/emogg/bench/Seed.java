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

    Seed(Database db, Api admin) {
        this.db = db;
        this.admin = admin;
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

    List<String> tokens(int from, int count) {
        List<String> tokens = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            tokens.add(token(Ids.listUser(i)));
        }
        return tokens;
    }

    /**
     * The stop pool: {@code size} active sessions of the stop user that no worker picked up (so a stop
     * finishes them at once, {@code worker_state} pending to stopped), ids {@code STOP_POOL + 0..size-1}.
     */
    void stopPool(int size) {
        long started = System.nanoTime();
        db.update("insert into sessions (id, user_id, product_id, name, type, state, created_at, expires_at, stream_uri, "
                + "remove_media, source_id, source_name, worker_state) "
                + "select " + Ids.sql(Ids.STOP_POOL + " + g") + ", ?, ?, 'bench stop ' || g, 'live_analysis', 'active', "
                + "now() - g * interval '1 millisecond', now() + interval '30 days', 'rtsp://camera.bench.invalid/live', true, "
                + "gen_random_uuid(), 'camera.bench.invalid', 'pending' from generate_series(0, ?) g",
                Ids.STOP_USER, Ids.PRODUCT, size - 1);
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
                    + "stop_requested_at = null, stop_attempts = 0 where user_id = ? and state = 'finished'", Ids.STOP_USER);
        } finally {
            db.execute("reset session_replication_role");
        }
        return reset;
    }

    /** Sessions of the pool the previous run really finished (a stop that found it finished already changed nothing). */
    long stoppedInPool() {
        return db.number("select count(*) from sessions where user_id = ? and state = 'finished'", Ids.STOP_USER);
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
     * The list table: {@code sessions} finished sessions spread round-robin over {@code users} users
     * ({@code listUser(1..users)}), one every 30 seconds going back in time, then ANALYZE.
     */
    void listSessions(int sessions, int users) {
        long started = System.nanoTime();
        users(1001, 1000 + users);
        db.update("insert into sessions (id, user_id, product_id, name, type, state, created_at, finished_at, expires_at, "
                + "stream_uri, remove_media, source_id, source_name, worker_state) "
                + "select " + Ids.sql(Ids.LIST_SESSIONS + " + g") + ", " + Ids.sql(Ids.USERS + 1001 + " + g % " + users)
                + ", ?, 'bench list ' || g, 'live_analysis', 'finished', t, t + interval '10 minutes', t + interval '1 day', "
                + "'rtsp://camera.bench.invalid/live', true, gen_random_uuid(), 'camera.bench.invalid', 'stopped' "
                + "from generate_series(0, ?) g, lateral (select now() - g * interval '30 seconds' as t) ts",
                Ids.PRODUCT, sessions - 1);
        db.execute("analyze sessions");
        Progress.line("list table: %,d sessions over %,d users seeded in %d ms", sessions, users, (System.nanoTime() - started) / 1_000_000);
    }
}
