package com.emogg.session;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.emogg.contract.StopReason;
import com.emogg.contract.WireValue;
import com.emogg.contract.WorkerState;
import com.emogg.platform.idempotency.Snapshots;
import com.emogg.platform.runtime.Traces;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sessions in PostgreSQL, through the reactive client, one prepared statement per change
 * ({@link SessionSql}), each recording the change's events. Every method runs on the client it is
 * given: the pool (a statement is its own transaction) or a connection whose transaction the
 * service holds. Every query is scoped to one user.
 */
@ApplicationScoped
public class SessionStore {

    /** A session as the record of an {@code Idempotency-Key} keeps it: without its stream URI. */
    public static final Snapshots<Session> SNAPSHOTS = new Snapshots<>("sessions", SessionSql.COLUMNS, List.of("stream_uri"),
            SessionStore::read);

    /** Inserts the session with its start command and its created fact. */
    public Uni<Session> create(SqlClient db, Session session) {
        return db.preparedQuery(SessionSql.CREATE).execute(creating(session)).map(SessionStore::single);
    }

    /** The parameters of {@link SessionSql#CREATE} and {@link SessionSql#CREATE_ONCE}. */
    public static Tuple creating(Session session) {
        Tuple values = Tuple.tuple(new ArrayList<>(List.of(session.id(), session.userId(), session.productId(), session.name(),
                session.type().value(), utc(session.createdAt()), utc(session.expiresAt()), session.streamUri(), session.removeMedia(),
                session.sourceId(), session.sourceName())));
        values.addValue(Traces.current());
        return values;
    }

    public Uni<Session> get(SqlClient db, String id, String userId) {
        return db.preparedQuery(SessionSql.GET).execute(Tuple.of(id, userId)).map(SessionStore::single);
    }

    /** {@code rows} sessions from {@code offset}, newest first. */
    public Uni<List<Session>> page(SqlClient db, String userId, SessionFilter filter, int offset, int rows) {
        if (filter.state() == null && filter.type() == null && filter.from() == null && filter.to() == null) {
            return db.preparedQuery(SessionSql.LIST).execute(Tuple.of(userId, rows, offset)).map(SessionStore::all);
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
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(values)).map(SessionStore::all);
    }

    /** The stopped session, or null when this user has no active session with that id. */
    public Uni<Session> stop(SqlClient db, String id, String userId, Instant at, StopReason reason) {
        return db.preparedQuery(SessionSql.STOP).execute(stopping(id, userId, at, reason)).map(SessionStore::single);
    }

    /** The parameters of {@link SessionSql#STOP} and {@link SessionSql#STOP_ONCE}. */
    public static Tuple stopping(String id, String userId, Instant at, StopReason reason) {
        return Tuple.of(id, userId, utc(at), reason.value(), Traces.current());
    }

    /** The renamed session, or null when this user has no session with that id. */
    public Uni<Session> rename(SqlClient db, String id, String userId, String name, Instant at) {
        return db.preparedQuery(SessionSql.RENAME).execute(Tuple.of(id, userId, name, utc(at), Traces.current()))
                .map(SessionStore::single);
    }

    /** True when the session was settled and is deleted now. */
    public Uni<Boolean> deleteSettled(SqlClient db, String id, String userId, Instant at) {
        return db.preparedQuery(SessionSql.DELETE).execute(Tuple.of(id, userId, utc(at), Traces.current()))
                .map(rows -> rows.size() > 0);
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Session single(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? read(iterator.next()) : null;
    }

    /** Every row, each in {@link SessionSql#COLUMNS} order. */
    public static List<Session> all(RowSet<Row> rows) {
        List<Session> sessions = new ArrayList<>(rows.size());
        for (Row row : rows) {
            sessions.add(read(row));
        }
        return sessions;
    }

    /** A row that starts with {@link SessionSql#COLUMNS}, in that order. */
    public static Session read(Row row) {
        return new Session(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                WireValue.parse(SessionType.class, row.getString(4)), WireValue.parse(SessionState.class, row.getString(5)),
                instant(row.getOffsetDateTime(6)), instant(row.getOffsetDateTime(7)), instant(row.getOffsetDateTime(8)), row.getString(9),
                row.getBoolean(10), row.getUUID(11), row.getString(12), WireValue.parse(WorkerState.class, row.getString(13)),
                instant(row.getOffsetDateTime(14)), row.getString(15), row.getLong(16), instant(row.getOffsetDateTime(17)),
                row.getInteger(18));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
