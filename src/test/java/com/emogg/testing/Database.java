package com.emogg.testing;

import java.util.List;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the real database behind the application, to check what a response claims. */
public final class Database {

    private Database() {
    }

    public static List<Row> rows(Pool pool, String sql, Object... parameters) {
        var result = pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().indefinitely();
        var rows = new java.util.ArrayList<Row>();
        result.forEach(rows::add);
        return rows;
    }

    /**
     * A session written straight into the table, with no start command: no worker ever hears of it,
     * so only what a test sends (reports, stops) changes its worker state.
     */
    public static String insertSession(Pool pool, String userId, String productId, String workerState, java.time.Instant healthCheck) {
        String id = com.emogg.platform.ObjectIds.next();
        rows(pool, """
                insert into sessions (id, user_id, product_id, name, type, state, created_at, expires_at, stream_uri, remove_media,
                                      source_id, source_name, worker_state, health_check_at)
                values ($1, $2, $3, 'inserted', 'live_analysis', 'active', now(), now() + interval '1 hour', 'rtsp://nowhere.test/x',
                        false, gen_random_uuid(), 'nowhere.test', $4, $5)""",
                id, userId, productId, workerState, healthCheck == null ? null : healthCheck.atOffset(java.time.ZoneOffset.UTC));
        return id;
    }

    /**
     * Runs {@code change} with every commit that records an outbox event of {@code sessionId} failing
     * at commit time, after all its statements ran: a transaction that fails after the insert.
     */
    public static void failingCommitsOf(Pool pool, String sessionId, Runnable change) {
        rows(pool, "create table if not exists test_commit_failures (session_id varchar(24) primary key)");
        rows(pool, """
                create or replace function test_fail_commit() returns trigger language plpgsql as $$
                begin
                    if exists (select 1 from test_commit_failures where session_id = new.session_id) then
                        raise exception 'injected commit failure';
                    end if;
                    return null;
                end $$""");
        rows(pool, "drop trigger if exists test_fail_commit on outbox");
        rows(pool, "create constraint trigger test_fail_commit after insert on outbox "
                + "deferrable initially deferred for each row execute function test_fail_commit()");
        try {
            rows(pool, "insert into test_commit_failures values ($1) on conflict do nothing", sessionId);
            change.run();
        } finally {
            rows(pool, "drop trigger if exists test_fail_commit on outbox");
        }
    }

    public static Row row(Pool pool, String sql, Object... parameters) {
        List<Row> rows = rows(pool, sql, parameters);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }
}
