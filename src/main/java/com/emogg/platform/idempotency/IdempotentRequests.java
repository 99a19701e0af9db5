package com.emogg.platform.idempotency;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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

/**
 * Runs a request made with an {@code Idempotency-Key} once. The first request with a key runs in a
 * transaction that also records its response, so the response commits with the effect: a retry
 * with the same key and the same request gets that response again, byte for byte, without running
 * anything; the same key with another request is a 422; a retry while the first still runs is a 409
 * (an advisory lock on the key, held by the first request's transaction, tells). Keys are per user,
 * kept {@code emogg.idempotency.retention}. A client's error (4xx) is recorded like a success; a
 * failure of ours rolls back, so a retry runs again. Services call it: they own the transaction.
 */
@ApplicationScoped
public class IdempotentRequests {

    private static final String LOCK = "select pg_try_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))";
    private static final String FIND = "select request_hash, status, content_type, location, body from idempotency_keys "
            + "where user_id = $1 and key = $2";
    private static final String RECORD = "insert into idempotency_keys (user_id, key, request_hash, status, content_type, location, body) "
            + "values ($1, $2, $3, $4, $5, $6, $7)";
    private static final String REWRITE = "update idempotency_keys set status = $3, content_type = $4, location = $5, body = $6 "
            + "where user_id = $1 and key = $2";
    private static final String FORGET = "delete from idempotency_keys where created_at < $1";

    private final Pool pool;
    private final ObjectMapper json;
    private final Duration retention;

    public IdempotentRequests(Database database, ObjectMapper json,
            @ConfigProperty(name = "emogg.idempotency.retention", defaultValue = "PT24H") Duration retention) {
        this.pool = database.pool();
        this.json = json;
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
     * Runs {@code action} once for the request's user and key, in the transaction that records its
     * response; then the request's {@link Responses#afterCommit} may turn it into a later one, which
     * is recorded too, so retries get what the first caller got.
     */
    public <T> Uni<Replayable> run(IdempotentRequest<T> request, Function<SqlConnection, Uni<T>> action) {
        Responses<T> responses = request.responses();
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(request.userId(), request.key()))
                .chain(lock -> {
                    if (!lock.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(Outcome.<T>replay(error(409, "A request with this Idempotency-Key is still in progress")));
                    }
                    return connection.preparedQuery(FIND).execute(Tuple.of(request.userId(), request.key())).chain(found -> {
                        if (found.size() > 0) {
                            Row row = found.iterator().next();
                            return Uni.createFrom().item(Outcome.<T>replay(Arrays.equals(row.getBuffer(0).getBytes(), request.fingerprint())
                                    ? new Replayable(row.getInteger(1), row.getString(2), row.getBuffer(4).getBytes(), row.getString(3))
                                    : error(422, "This Idempotency-Key was already used for another request")));
                        }
                        return action.apply(connection)
                                .map(result -> new Outcome<>(responses.of(result), result))
                                .onFailure(failure -> responses.ofFailure(failure) != null)
                                .recoverWithItem(failure -> new Outcome<T>(responses.ofFailure(failure), null))
                                .call(first -> connection.preparedQuery(RECORD).execute(Tuple.tuple(Arrays.asList(request.userId(),
                                        request.key(), Buffer.buffer(request.fingerprint()), first.response().status(),
                                        first.response().contentType(), first.response().location(),
                                        Buffer.buffer(first.response().body())))));
                    });
                }))
                .chain(outcome -> outcome.result() == null ? Uni.createFrom().item(outcome.response())
                        : responses.afterCommit(outcome.result()).chain(later -> later == outcome.result()
                                ? Uni.createFrom().item(outcome.response())
                                : Uni.createFrom().item(responses.of(later)).call(response -> rewrite(request, response))));
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
