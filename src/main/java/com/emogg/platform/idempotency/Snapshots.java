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
     * transaction (another request with the key under way: the effect does not run, the outcome is
     * {@code busy}), reads the key's record ({@code found}: the effect does not run), else makes the
     * effect and records its result rows ({@code ran}). Each row returned is {@code columns}, then
     * {@code once_outcome}, {@code once_request_hash}, {@code once_status}, {@code once_content_type},
     * {@code once_location}, {@code once_body}, {@code once_rendered_at}. No row: the effect had
     * nothing to change (a refusal), nothing was recorded.
     *
     * @param effect the effect's common table expressions (without {@code with}); the one that picks
     *        the rows to change includes {@link #FIRST} in its condition
     * @param result the expression whose rows are the effect's result, with at least {@code columns}
     */
    public String once(String effect, String result, int first) {
        String user = "$" + first + "::text";
        String key = "$" + (first + 1) + "::text";
        String fingerprint = "$" + (first + 2) + "::bytea";
        String renderedAt = "$" + (first + 3) + "::timestamptz";
        String kept = secrets.stream().map(secret -> " - '" + secret + "'").collect(Collectors.joining());
        return "with once_claim as (select pg_try_advisory_xact_lock(hashtextextended(" + user + " || '/' || " + key + ", 0)) as locked), "
                + "once_found as (select request_hash, status, content_type, location, body, snapshot, rendered_at "
                + "from idempotency_keys where user_id = " + user + " and key = " + key + "), "
                + "once_go as (select c.locked and not exists (select 1 from once_found) as go from once_claim c), "
                + effect + ", "
                + "once_recorded as (insert into idempotency_keys (user_id, key, request_hash, snapshot, rendered_at) "
                + "select " + user + ", " + key + ", " + fingerprint + ", to_jsonb(r)" + kept + ", " + renderedAt + " from " + result + " r) "
                + "select " + columns + ", 'ran' as once_outcome, null::bytea as once_request_hash, null::integer as once_status, "
                + "null::text as once_content_type, null::text as once_location, null::bytea as once_body, "
                + renderedAt + " as once_rendered_at from " + result + " "
                + "union all select " + prefixed("s") + ", case when c.locked then 'found' else 'busy' end, f.request_hash, f.status, "
                + "f.content_type, f.location, f.body, f.rendered_at from once_claim c left join once_found f on c.locked "
                + "left join lateral jsonb_populate_record(null::" + table + ", f.snapshot) s on true "
                + "where not c.locked or f.request_hash is not null";
    }

    /** A key's record, shaped as {@link #once}'s rows: $1 user id, $2 key. */
    String find() {
        return "select " + prefixed("s") + ", 'found' as once_outcome, k.request_hash as once_request_hash, k.status as once_status, "
                + "k.content_type as once_content_type, k.location as once_location, k.body as once_body, k.rendered_at as once_rendered_at "
                + "from idempotency_keys k left join lateral jsonb_populate_record(null::" + table + ", k.snapshot) s on true "
                + "where k.user_id = $1 and k.key = $2";
    }

    private String prefixed(String alias) {
        return Arrays.stream(columns.split(",")).map(column -> alias + "." + column.strip()).collect(Collectors.joining(", "));
    }
}
