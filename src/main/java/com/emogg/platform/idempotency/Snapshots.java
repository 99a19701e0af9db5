package com.emogg.platform.idempotency;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.vertx.mutiny.sqlclient.Row;

/**
 * How a feature's rows are kept in the record of an {@code Idempotency-Key}, so that a retry gets
 * the first response again: the row as its statement committed it, as JSON, read back through the
 * table's row type into the columns a response is made of, and rendered again at the time the first
 * one was. It lets the statement that makes the change record it too, in the same implicit
 * transaction: one round trip and one commit, as without a key.
 *
 * @param table the table whose row type a snapshot has
 * @param columns the columns a response is made of, comma-separated, as {@code read} reads them (from index 0)
 * @param secrets columns never kept in a record (say, a URI that can carry credentials)
 * @param read a row of {@code columns}
 */
public record Snapshots<T>(String table, String columns, List<String> secrets, Function<Row, T> read) {

    /**
     * The condition the effect of a statement made by {@link #once} picks its rows with: true when
     * this request is the first with its key and no other with it is under way.
     */
    public static final String FIRST = "(select go from once_go)";

    /**
     * The statement that makes an effect at most once per key and records it with it. Its parameters
     * are the effect's, then four from {@code first} on: the user id, the key, the request's
     * fingerprint and the time the response is rendered at. It takes the key's advisory lock for its
     * transaction and makes the effect only when it got the lock and the key has no record yet; then
     * it records the effect's result rows with it, and returns them ({@code columns}). No row: either
     * the effect had nothing to change (a refusal) or it did not run (another request with the key is
     * under way, or recorded it): what to answer is then for a transaction of its own to decide. The
     * statement is kept as small as the plain one, since PostgreSQL plans it at every execution.
     *
     * @param effect the effect's common table expressions (without {@code with}); the one that picks
     *        the rows to change includes {@link #FIRST} in its condition
     * @param result the expression whose rows are the effect's result, with at least {@code columns}
     */
    public String once(String effect, String result, int first) {
        String user = "$" + first + "::text";
        String key = "$" + (first + 1) + "::text";
        String kept = secrets.stream().map(secret -> " - '" + secret + "'").collect(Collectors.joining());
        return "with once_go as (select pg_try_advisory_xact_lock(hashtextextended(" + user + " || '/' || " + key + ", 0)) "
                + "and not exists (select 1 from idempotency_keys where user_id = " + user + " and key = " + key + ") as go), "
                + effect + ", "
                + "once_recorded as (insert into idempotency_keys (user_id, key, request_hash, snapshot, rendered_at) "
                + "select " + user + ", " + key + ", $" + (first + 2) + "::bytea, to_jsonb(r)" + kept + ", $" + (first + 3)
                + "::timestamptz from " + result + " r) "
                + "select " + columns + " from " + result;
    }

    /**
     * A key's record: its response as bytes, or the snapshot read back into {@code columns}, then
     * {@code once_request_hash}, {@code once_status}, {@code once_content_type}, {@code once_location},
     * {@code once_body}, {@code once_rendered_at}: $1 user id, $2 key.
     */
    String find() {
        return "select " + prefixed("s") + ", k.request_hash as once_request_hash, k.status as once_status, "
                + "k.content_type as once_content_type, k.location as once_location, k.body as once_body, k.rendered_at as once_rendered_at "
                + "from idempotency_keys k left join lateral jsonb_populate_record(null::" + table + ", k.snapshot) s on true "
                + "where k.user_id = $1 and k.key = $2";
    }

    private String prefixed(String alias) {
        return Arrays.stream(columns.split(",")).map(column -> alias + "." + column.strip()).collect(Collectors.joining(", "));
    }
}
