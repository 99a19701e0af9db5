package com.emogg.session;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.common.Traces;
import com.emogg.session.events.StopReason;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The hot paths of the sessions API (create, get, list, stop) on the reactive PostgreSQL client,
 * one prepared statement per request ({@link SessionSql}). Measured against Hibernate Reactive on
 * these machines, this is what brings a stop close to what PostgreSQL itself can do (see the
 * README's benchmark); the rarer paths stay on Panache ({@link SessionRepository}).
 */
@ApplicationScoped
public class SessionStore {

    private final Pool pool;

    public SessionStore(Pool pool) {
        this.pool = pool;
    }

    /** The pool, for statements that need no transaction of their caller's. */
    public Pool pool() {
        return pool;
    }

    /**
     * Inserts the session, its start command and its created fact together, on {@code db}: the
     * pool, or a transaction's connection.
     */
    public Uni<Session> create(SqlClient db, Session session, String startCommand, String createdFact) {
        Tuple values = Tuple.tuple(new ArrayList<>(List.of(session.id, session.userId, session.productId, session.name, session.type.value(),
                utc(session.createdAt), utc(session.expiresAt), session.streamUri, session.removeMedia, session.sourceId,
                session.sourceName, UUID.randomUUID(), startCommand, UUID.randomUUID(), createdFact)));
        values.addValue(Traces.current());
        return db.preparedQuery(SessionSql.CREATE).execute(values).map(SessionStore::single);
    }

    public Uni<Session> get(SqlClient db, String id, String userId) {
        return db.preparedQuery(SessionSql.GET).execute(Tuple.of(id, userId)).map(SessionStore::single);
    }

    /** {@code rows} sessions from {@code offset}, newest first. */
    public Uni<List<Session>> page(String userId, SessionFilter filter, int offset, int rows) {
        if (filter.state() == null && filter.type() == null && filter.from() == null && filter.to() == null) {
            return pool.preparedQuery(SessionSql.LIST).execute(Tuple.of(userId, rows, offset)).map(SessionStore::all);
        }
        StringBuilder sql = new StringBuilder("select ").append(SessionSql.COLUMNS).append(" from sessions where user_id = $1");
        List<Object> values = new ArrayList<>(List.of(userId));
        if (filter.state() != null) {
            values.add(filter.state().value());
            sql.append(" and state = $").append(values.size());
        }
        if (filter.type() != null) {
            values.add(filter.type().value());
            sql.append(" and type = $").append(values.size());
        }
        if (filter.from() != null) {
            values.add(utc(filter.from()));
            sql.append(" and created_at >= $").append(values.size());
        }
        if (filter.to() != null) {
            values.add(utc(filter.to()));
            sql.append(" and created_at < $").append(values.size());
        }
        values.add(rows);
        sql.append(" order by created_at desc, id desc limit $").append(values.size());
        values.add(offset);
        sql.append(" offset $").append(values.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.tuple(values)).map(SessionStore::all);
    }

    /** The stopped session, or null when this user has no active session with that id. */
    public Uni<Session> stop(SqlClient db, String id, String userId, Instant now, StopReason reason) {
        return db.preparedQuery(SessionSql.STOP).execute(Tuple.of(id, userId, utc(now), reason.value(), Traces.current()))
                .map(SessionStore::single);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Session single(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? read(iterator.next()) : null;
    }

    private static List<Session> all(RowSet<Row> rows) {
        List<Session> sessions = new ArrayList<>(rows.size());
        for (Row row : rows) {
            sessions.add(read(row));
        }
        return sessions;
    }

    /** A row in {@link SessionSql#COLUMNS} order, as a detached {@link Session}. */
    static Session read(Row row) {
        Session session = new Session();
        session.id = row.getString(0);
        session.userId = row.getString(1);
        session.productId = row.getString(2);
        session.name = row.getString(3);
        session.type = WireValues.parse(SessionType.class, row.getString(4));
        session.state = WireValues.parse(SessionState.class, row.getString(5));
        session.createdAt = instant(row.getOffsetDateTime(6));
        session.finishedAt = instant(row.getOffsetDateTime(7));
        session.expiresAt = instant(row.getOffsetDateTime(8));
        session.streamUri = row.getString(9);
        session.removeMedia = row.getBoolean(10);
        session.sourceId = row.getUUID(11);
        session.sourceName = row.getString(12);
        session.workerState = WireValues.parse(WorkerState.class, row.getString(13));
        session.healthCheckAt = instant(row.getOffsetDateTime(14));
        session.workerId = row.getString(15);
        session.workerSeq = row.getLong(16);
        session.stopRequestedAt = instant(row.getOffsetDateTime(17));
        session.stopAttempts = row.getInteger(18);
        return session;
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
