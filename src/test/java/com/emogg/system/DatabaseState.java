package com.emogg.system;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.emogg.testing.Sleep;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The final state of the database after a schedule quiesced: every session and every outbox row
 * (published rows are kept 24 h, so every event ever recorded during the run is still there).
 */
final class DatabaseState {

    private static final ObjectMapper JSON = new ObjectMapper();

    record SessionRow(String id, String userId, String state, String workerState, String workerId, Instant createdAt,
            Instant finishedAt, int stopAttempts) {
    }

    record OutboxRow(long seq, String id, String sessionId, String stream, String type, String payload, Instant occurredAt,
            Instant publishedAt) {

        /** The JSON body; an empty object for a tombstone (no payload). */
        JsonNode body() {
            if (payload == null) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(payload);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("outbox row " + seq + " is not JSON", e);
            }
        }

        String topic() {
            return stream.equals("commands") ? Topics.COMMANDS : Topics.EVENTS;
        }
    }

    final Map<String, SessionRow> sessions = new LinkedHashMap<>();
    final List<OutboxRow> outbox = new ArrayList<>();

    static DatabaseState read(PostgresServer postgres) {
        DatabaseState state = new DatabaseState();
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("select id, user_id, state, worker_state, worker_id, created_at, finished_at, "
                    + "stop_attempts from sessions order by created_at, id")) {
                while (rows.next()) {
                    state.sessions.put(rows.getString(1), new SessionRow(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getString(5), instant(rows.getTimestamp(6)), instant(rows.getTimestamp(7)),
                            rows.getInt(8)));
                }
            }
            try (ResultSet rows = statement.executeQuery("select seq, id, session_id, stream, type, payload, occurred_at, published_at "
                    + "from outbox order by seq")) {
                while (rows.next()) {
                    state.outbox.add(new OutboxRow(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getString(5), rows.getString(6), instant(rows.getTimestamp(7)), instant(rows.getTimestamp(8))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the final database state", e);
        }
        return state;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Small queries the scenarios poll while the system runs; a database that is down reads as null. */
    static final class Probe {

        private final PostgresServer postgres;

        Probe(PostgresServer postgres) {
            this.postgres = postgres;
        }

        /** {unpublished outbox rows, sessions whose worker state is not terminal, sessions still active}, or null. */
        long[] progress() {
            try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("select (select count(*) from outbox where published_at is null), "
                            + "(select count(*) from sessions where worker_state not in ('stopped', 'failed', 'lost')), "
                            + "(select count(*) from sessions where state = 'active')")) {
                row.next();
                return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
            } catch (SQLException e) {
                return null;
            }
        }

        /** The newest outbox row's seq, or null while the database does not answer. */
        Long maxSeq() {
            try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("select coalesce(max(seq), 0) from outbox")) {
                row.next();
                return row.getLong(1);
            } catch (SQLException e) {
                return null;
            }
        }

        /** Unpublished rows with {@code seq <= upTo}, or -1 while the database does not answer. */
        long unpublishedUpTo(long upTo) {
            try (Connection connection = postgres.connect();
                    var statement = connection.prepareStatement("select count(*) from outbox where published_at is null and seq <= ?")) {
                statement.setLong(1, upTo);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            } catch (SQLException e) {
                return -1;
            }
        }

        long unpublished() {
            long[] progress = progress();
            return progress == null ? -1 : progress[0];
        }

        /** Outbox rows published (their transaction committed on the broker) within [from, to), or -1 while the database does not answer. */
        long publishedBetween(Instant from, Instant to) {
            try (Connection connection = postgres.connect();
                    var statement = connection.prepareStatement("select count(*) from outbox where published_at >= ? and published_at < ?")) {
                statement.setTimestamp(1, Timestamp.from(from));
                statement.setTimestamp(2, Timestamp.from(to));
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            } catch (SQLException e) {
                return -1;
            }
        }

        /** When the first event published after {@code after} was, or null (none yet, or the database does not answer). */
        Instant firstPublishedAfter(Instant after) {
            try (Connection connection = postgres.connect();
                    var statement = connection.prepareStatement("select min(published_at) from outbox where published_at > ?")) {
                statement.setTimestamp(1, Timestamp.from(after));
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return instant(row.getTimestamp(1));
                }
            } catch (SQLException e) {
                return null;
            }
        }

        /** id -> {state, worker_state, worker_id} of the given sessions. */
        Map<String, String[]> sessions(List<String> ids) {
            Map<String, String[]> found = new LinkedHashMap<>();
            try (Connection connection = postgres.connect();
                    var statement = connection.prepareStatement("select id, state, worker_state, worker_id from sessions where id = any(?)")) {
                statement.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getString(1), new String[] {rows.getString(2), rows.getString(3), rows.getString(4)});
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read sessions", e);
            }
            return found;
        }

        /** {@link #sessions(List)}, tried again for up to {@code patience} while PostgreSQL does not answer. */
        Map<String, String[]> sessions(List<String> ids, Duration patience) {
            long deadline = System.nanoTime() + patience.toNanos();
            while (true) {
                try {
                    return sessions(ids);
                } catch (IllegalStateException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Sleep.millis(500);
                }
            }
        }

        /** The active sessions and their users, for the final sweep. */
        Map<String, String> activeSessions() {
            Map<String, String> found = new LinkedHashMap<>();
            try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select id, user_id from sessions where state = 'active'")) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the active sessions", e);
            }
            return found;
        }
    }
}
