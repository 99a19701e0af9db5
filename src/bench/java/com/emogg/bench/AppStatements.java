package com.emogg.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * The SQL the application runs on its hot paths, read at run time from its own classes, so that a
 * baseline can never drift from what the application does: when a statement changes, the next
 * bench run measures the new one on both sides.
 */
final class AppStatements {

    static final String SESSION_SQL = "com.emogg.session.SessionSql";
    static final String AUTHENTICATOR = "com.emogg.platform.auth.Authenticator";

    private static final java.util.Map<String, String> READ = new java.util.concurrent.ConcurrentHashMap<>();

    private AppStatements() {
    }

    /** A {@code public static final String} of one of the application's classes (read once per run). */
    static String read(String className, String field) {
        return READ.computeIfAbsent(className + "." + field, key -> reflect(className, field));
    }

    private static String reflect(String className, String field) {
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            Field declared = type.getField(field);
            if (!Modifier.isStatic(declared.getModifiers()) || declared.getType() != String.class) {
                throw new IllegalStateException(className + "." + field + " is not a static String");
            }
            return (String) declared.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + className + "." + field + " (is target/classes on the class path?)", e);
        }
    }

    static String stop() {
        return read(SESSION_SQL, "STOP");
    }

    static String get() {
        return read(SESSION_SQL, "GET");
    }

    static String list() {
        return read(SESSION_SQL, "LIST");
    }

    static final String RATE_LIMITER = "com.emogg.platform.ratelimit.RateLimiter";

    /** The rate limiter's per-request statement ({@code RateLimiter.TAKE}), or null when the limiter has none. */
    static String rateLimiterTake() {
        try {
            return read(RATE_LIMITER, "TAKE");
        } catch (IllegalStateException e) {
            return null;
        }
    }

    static String authenticate() {
        return read(AUTHENTICATOR, "AUTHENTICATE");
    }
}
