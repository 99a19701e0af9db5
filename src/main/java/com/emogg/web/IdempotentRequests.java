package com.emogg.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.common.Role;
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
 * {@code Idempotency-Key} on POST requests. The first request with a key runs, and its response is
 * recorded in the same transaction as its effect: a retry with the same key and the same request
 * gets that response again, byte for byte, without running anything; the same key with another
 * request is a 422; a retry while the first still runs is a 409 (an advisory lock on the key, held
 * by the first request's transaction, tells). Keys are per user, kept {@code emogg.idempotency.retention}.
 * Client errors (4xx) are recorded like successes; a failure of ours (5xx) rolls back, so a retry runs again.
 */
@ApplicationScoped
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
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
    private final boolean servesApi;

    public IdempotentRequests(Pool pool, ObjectMapper json, Role role,
            @ConfigProperty(name = "emogg.idempotency.retention", defaultValue = "PT24H") Duration retention) {
        this.pool = pool;
        this.json = json;
        this.retention = retention;
        this.servesApi = role.servesApi();
    }

    /** Keys older than the retention are forgotten: a retry after that runs again. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> forgetOldKeys() {
        if (!servesApi) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(FORGET).execute(Tuple.of(OffsetDateTime.now(ZoneOffset.UTC).minus(retention)))
                .replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The key, checked: 1 to 255 visible ASCII characters. */
    public static String validKey(String key) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ApiException(400, "Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        return key;
    }

    /** What makes two requests "the same": method, path and body. */
    public static byte[] requestHash(String method, String path, String body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {method, path, body == null ? "" : body}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Runs {@code action} once for this user and key, inside the transaction that records its
     * response; {@code afterCommit} may then turn that response into a later one (a wait), which is
     * recorded too, so retries get what the first caller got.
     */
    public Uni<Replayable> run(String userId, String key, byte[] requestHash, Function<SqlConnection, Uni<Replayable>> action,
            Function<Replayable, Uni<Replayable>> afterCommit) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(userId, key)).chain(lock -> {
            if (!lock.iterator().next().getBoolean(0)) {
                return Uni.createFrom().item(Outcome.of(error(409, "A request with this Idempotency-Key is still in progress")));
            }
            return connection.preparedQuery(FIND).execute(Tuple.of(userId, key)).chain(found -> {
                if (found.size() > 0) {
                    Row row = found.iterator().next();
                    return Uni.createFrom().item(Outcome.of(Arrays.equals(row.getBuffer(0).getBytes(), requestHash)
                            ? new Replayable(row.getInteger(1), row.getString(2), row.getBuffer(4).getBytes(), row.getString(3))
                            : error(422, "This Idempotency-Key was already used for another request")));
                }
                return action.apply(connection)
                        .onFailure(ApiException.class).recoverWithItem(failure -> error((ApiException) failure))
                        .call(first -> connection.preparedQuery(RECORD).execute(Tuple.tuple(Arrays.asList(userId, key,
                                Buffer.buffer(requestHash), first.status(), first.contentType(), first.location(),
                                Buffer.buffer(first.body())))))
                        .map(Outcome::fresh);
            });
        })).chain(outcome -> outcome.fresh ? afterCommit.apply(outcome.response).call(later -> later == outcome.response
                ? Uni.createFrom().voidItem()
                : pool.preparedQuery(REWRITE).execute(Tuple.tuple(Arrays.asList(userId, key, later.status(),
                        later.contentType(), later.location(), Buffer.buffer(later.body())))).replaceWithVoid())
                : Uni.createFrom().item(outcome.response));
    }

    /** An error as the Emogg error body, ready to record or give. */
    public Replayable error(int status, String message) {
        return error(new ApiException(status, message));
    }

    private Replayable error(ApiException failure) {
        try {
            return new Replayable(failure.status(), "application/json", json.writeValueAsBytes(failure.body()), null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body that cannot be written as JSON is a bug", e);
        }
    }

    /** What the transaction decided: a response to give as is, or a fresh one (the action ran). */
    private record Outcome(Replayable response, boolean fresh) {
        static Outcome of(Replayable response) {
            return new Outcome(response, false);
        }

        static Outcome fresh(Replayable response) {
            return new Outcome(response, true);
        }
    }
}
