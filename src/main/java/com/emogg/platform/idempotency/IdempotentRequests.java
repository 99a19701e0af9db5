package com.emogg.platform.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.Dates;
import com.emogg.platform.database.Database;
import com.emogg.platform.http.ErrorBody;
import com.emogg.platform.runtime.OutsideApiRole;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Runs a request made with an {@code Idempotency-Key} once. The first request with a key makes its
 * change and records it in the same transaction, so the response commits with the effect: a retry
 * with the same key and the same request gets that response again, byte for byte, without running
 * anything; the same key with another request is a 422; a retry while the first still runs is a 409
 * (an advisory lock on the key, held by the first request's transaction, tells). Keys are per user,
 * kept {@code emogg.idempotency.retention}. A client's error (4xx) is recorded like a success; a
 * failure of ours rolls back, so a retry runs again. Services call it: they own the transaction.
 *
 * <p>The common case, a first request that makes its change, is one statement ({@link Snapshots#once}):
 * the lock, the look-up of the key, the change and its record, one round trip and one commit, as the
 * same request without a key. When that statement changes nothing (a refusal, say a stop of a session
 * that is not active; a retry; a request while another with the key is under way), a transaction of
 * its own decides, and records a refusal, as before: {@code BEGIN}, lock, look-up, the action, the
 * record, {@code COMMIT}. Retries thus cost more than first requests, which are most.
 */
@ApplicationScoped
public class IdempotentRequests {

    private static final String LOCK = "select pg_try_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))";
    private static final String RECORD = "insert into idempotency_keys (user_id, key, request_hash, status, content_type, location, body) "
            + "values ($1, $2, $3, $4, $5, $6, $7)";
    private static final String REWRITE = "update idempotency_keys set status = $3, content_type = $4, location = $5, body = $6, "
            + "snapshot = null, rendered_at = null where user_id = $1 and key = $2";
    private static final String FORGET = "delete from idempotency_keys where created_at < $1";
    /** The primary key of the records: another request recorded the same key first. */
    private static final String KEY_TAKEN = "idempotency_keys_pkey";

    private final Pool pool;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration retention;

    public IdempotentRequests(Database database, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "emogg.idempotency.retention", defaultValue = "PT24H") Duration retention) {
        this.pool = database.pool();
        this.json = json;
        this.clock = clock;
        this.retention = retention;
    }

    /** Keys older than the retention are forgotten: a retry after that runs again. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = OutsideApiRole.class)
    Uni<Void> forgetOldKeys() {
        return pool.preparedQuery(FORGET).execute(Tuple.of(OffsetDateTime.now(ZoneOffset.UTC).minus(retention)))
                .replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Runs {@code statement}, made by {@link Snapshots#once} from the request's effect, with the
     * effect's {@code parameters}; its response is rendered at {@code at} (and again at {@code at} for a
     * retry), and {@code made} hears of a result it made (not of a replay). When the statement made
     * nothing, {@link #run} decides: a retry, a request while another is under way, or {@code action}
     * (which then refuses) in a transaction that records its outcome. Then the request's {@link Responses#afterCommit} may turn the
     * result into a later one, which is recorded too, so retries get what the first caller got.
     */
    public <T> Uni<Replayable> once(IdempotentRequest<T> request, Snapshots<T> snapshots, String statement, Tuple parameters,
            Instant at, Consumer<T> made, Function<SqlConnection, Uni<T>> action) {
        List<Object> values = new ArrayList<>(parameters.size() + 4);
        for (int i = 0; i < parameters.size(); i++) {
            values.add(parameters.getValue(i));
        }
        values.addAll(Arrays.asList(request.userId(), request.key(), Buffer.buffer(request.fingerprint()), at.atOffset(ZoneOffset.UTC)));
        return pool.preparedQuery(statement).execute(Tuple.from(values))
                // another request with the key committed between this statement's snapshot and its lock: the transaction finds its record
                .onFailure(IdempotentRequests::keyTaken).recoverWithNull()
                .chain(rows -> {
                    if (rows == null || rows.size() == 0) {
                        return run(request, snapshots, action);
                    }
                    T result = snapshots.read().apply(rows.iterator().next());
                    made.accept(result);
                    return then(request, result, request.responses().of(result, at));
                });
    }

    /**
     * Runs {@code action} once for the request's user and key, in a transaction that records its
     * response: {@code BEGIN}, the key's lock, its record, the action, the record, {@code COMMIT}.
     */
    public <T> Uni<Replayable> run(IdempotentRequest<T> request, Snapshots<T> snapshots, Function<SqlConnection, Uni<T>> action) {
        Responses<T> responses = request.responses();
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(request.userId(), request.key()))
                .chain(lock -> {
                    if (!lock.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(Outcome.<T>replay(inProgress()));
                    }
                    return connection.preparedQuery(snapshots.find()).execute(Tuple.of(request.userId(), request.key())).chain(found -> {
                        if (found.size() > 0) {
                            return Uni.createFrom().item(Outcome.<T>replay(replay(request, snapshots, found.iterator().next())));
                        }
                        Instant now = Dates.now(clock);
                        return action.apply(connection)
                                .map(result -> new Outcome<>(responses.of(result, now), result))
                                .onFailure(failure -> responses.ofFailure(failure) != null)
                                .recoverWithItem(failure -> new Outcome<T>(responses.ofFailure(failure), null))
                                .call(first -> connection.preparedQuery(RECORD).execute(Tuple.tuple(Arrays.asList(request.userId(),
                                        request.key(), Buffer.buffer(request.fingerprint()), first.response().status(),
                                        first.response().contentType(), first.response().location(),
                                        Buffer.buffer(first.response().body())))));
                    });
                }))
                .chain(outcome -> outcome.result() == null ? Uni.createFrom().item(outcome.response())
                        : then(request, outcome.result(), outcome.response()));
    }

    /** After the commit: the response given (and recorded) once {@link Responses#afterCommit} completed. */
    private <T> Uni<Replayable> then(IdempotentRequest<T> request, T committed, Replayable response) {
        return request.responses().afterCommit(committed).chain(later -> later == committed
                ? Uni.createFrom().item(response)
                : Uni.createFrom().item(request.responses().of(later, Dates.now(clock))).call(given -> rewrite(request, given)));
    }

    /** What a key's record gives a retry: the first response again, or a 422 when the retry is another request. */
    private <T> Replayable replay(IdempotentRequest<T> request, Snapshots<T> snapshots, Row row) {
        if (!Arrays.equals(row.getBuffer("once_request_hash").getBytes(), request.fingerprint())) {
            return error(422, "This Idempotency-Key was already used for another request");
        }
        Integer status = row.getInteger("once_status");
        if (status != null) {
            return new Replayable(status, row.getString("once_content_type"), row.getBuffer("once_body").getBytes(),
                    row.getString("once_location"));
        }
        return request.responses().of(snapshots.read().apply(row), row.getOffsetDateTime("once_rendered_at").toInstant());
    }

    private Replayable inProgress() {
        return error(409, "A request with this Idempotency-Key is still in progress");
    }

    private static boolean keyTaken(Throwable failure) {
        return failure instanceof PgException pg && "23505".equals(pg.getSqlState()) && KEY_TAKEN.equals(pg.getConstraint());
    }

    private Uni<Void> rewrite(IdempotentRequest<?> request, Replayable later) {
        return pool.preparedQuery(REWRITE).execute(Tuple.tuple(Arrays.asList(request.userId(), request.key(), later.status(),
                later.contentType(), later.location(), Buffer.buffer(later.body())))).replaceWithVoid();
    }

    /** An error as the Emogg error body, ready to record or give. */
    public Replayable error(int status, String message) {
        return error(status, ErrorBody.of(status, message));
    }

    /** An error body as a recorded response. */
    public Replayable error(int status, ErrorBody body) {
        try {
            return new Replayable(status, "application/json", json.writeValueAsBytes(body), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body that cannot be written as JSON is a bug", e);
        }
    }

    /** What the transaction decided: a response to give as is, or the result of the action that ran (then also its response). */
    private record Outcome<T>(Replayable response, T result) {
        static <T> Outcome<T> replay(Replayable response) {
            return new Outcome<>(response, null);
        }
    }
}
