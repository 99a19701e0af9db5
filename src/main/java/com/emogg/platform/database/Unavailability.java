package com.emogg.platform.database;

import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which failures mean "the database is away" (down, restarting, no connection to be had in
 * time): those are a 503 with Retry-After, which a client can retry, not a 500.
 */
public final class Unavailability {

    private Unavailability() {
    }

    public static boolean databaseAway(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // SocketException: the connection reset, as when PostgreSQL dies in the middle of a query (the crash matrix saw one 500)
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException || cause instanceof TimeoutException
                    || cause instanceof java.net.SocketException) {
                return true;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
                return true; // connection exceptions; admin shutdown, crash shutdown, cannot connect now
            }
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("connection refused") || message.contains("connection reset") || message.contains("timeout")
                    && (message.contains("connection") || message.contains("acquire"))
                    || message.contains("pool closed") || message.contains("connection was closed")) {
                return true;
            }
        }
        return false;
    }
}
