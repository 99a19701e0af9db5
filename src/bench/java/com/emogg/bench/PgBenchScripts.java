package com.emogg.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pgbench scripts of the baselines, made from the application's own statements
 * ({@link AppStatements}) by replacing each parameter {@code $n} with what the application would
 * bind: a pgbench variable set by {@code \set}, or an SQL expression of it (pgbench computes only
 * integers, so a session id is {@code lpad(:n::text, 24, '0')}, see {@link Ids}), a literal for a
 * constant, {@code now()} for a time. Nothing else of the statement is touched.
 */
final class PgBenchScripts {

    private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)(?!\\d)");
    /** What pgbench would read as a variable reference inside the application's SQL. */
    private static final Pattern PGBENCH_VARIABLE = Pattern.compile("(?<!:):[A-Za-z_]");

    /**
     * A W3C trace context of the size the application binds for a traced request (the stop's $5,
     * stored with its outbox rows); the example value of the W3C specification.
     */
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private PgBenchScripts() {
    }

    /** The owner of the pool's session {@code :n}, as {@link Users#ownerOfPoolSession} picks it. */
    private static String owner(int users) {
        return "\\set u " + (Ids.LOAD_USERS + 1) + " + (:n - " + Ids.STOP_POOL + ") % " + users;
    }

    /**
     * The stop ($1 session, $2 user, $3 time, $4 reason, $5 traceparent): each pgbench client stops distinct sessions of its own slice of the pool, with a
     * counter {@code i} that pgbench keeps per client across transactions (started by {@code -D i=0};
     * checked on pgbench 15: variables persist). A client that went through its slice wraps around, and
     * its stops then find a finished session (no row): the harness counts the sessions really stopped.
     */
    static String stop(int stride, int users, String authenticateToken) {
        return script(List.of("\\set i :i + 1", "\\set n " + Ids.STOP_POOL + " + :client_id * " + stride + " + :i % " + stride, owner(users)),
                authenticateToken, List.of(AppStatements.stop()),
                Map.of(1, "lpad(:n::text, 24, '0')", 2, "lpad(:u::text, 24, '0')", 3, "now()", 4, quote("user"), 5, quote(TRACEPARENT)));
    }

    /** A random session of the stop pool, by its owner, as the HTTP GET run picks them. */
    static String get(int pool, int users, String authenticateToken) {
        return script(List.of("\\set n " + Ids.STOP_POOL + " + random(0, " + (pool - 1) + ")", owner(users)), authenticateToken,
                List.of(AppStatements.get()), Map.of(1, "lpad(:n::text, 24, '0')", 2, "lpad(:u::text, 24, '0')"));
    }

    /**
     * The GET with today's rate limiter's own statement before it (its {@code $1} the owner, then the
     * default bucket: 300 points, 5 per second, cost 1), each in its own transaction as the
     * application runs them: what PostgreSQL can do of the database work a rate-limited GET does
     * now. Not the target's baseline (token lookup + select); it shows how much of the gap is the
     * limiter's durable write. Null when the application has no such statement.
     */
    static String getWithRateLimiter(int pool, int users, String authenticateToken) {
        String take = AppStatements.rateLimiterTake();
        if (take == null) {
            return null;
        }
        return script(List.of("\\set n " + Ids.STOP_POOL + " + random(0, " + (pool - 1) + ")", owner(users)), authenticateToken,
                List.of(take, AppStatements.get()), Map.of(1, "lpad(:n::text, 24, '0')", 2, "lpad(:u::text, 24, '0')"),
                Map.of(1, "lpad(:u::text, 24, '0')", 2, "300", 3, "5", 4, "1"));
    }

    /** The first page (10 items, so 11 rows) of a random load user. */
    static String list(int users, String authenticateToken) {
        return script(List.of("\\set u " + Ids.LOAD_USERS + " + random(1, " + users + ")", "\\set rows 11", "\\set skip 0"),
                authenticateToken, List.of(AppStatements.list()), Map.of(1, "lpad(:u::text, 24, '0')", 2, ":rows", 3, ":skip"));
    }

    /**
     * {@code authenticateToken} adds the token lookup to every transaction, as an application
     * without its token cache would run it; null (the default) leaves it out, as the application
     * runs it only once per token and cache period.
     */
    /**
     * The statements in order, each its own transaction (pgbench's autocommit, as the application
     * runs them); the last one is bound with {@code values}, a statement before it with the map of
     * the same position in {@code earlier}.
     */
    @SafeVarargs
    private static String script(List<String> sets, String authenticateToken, List<String> statements, Map<Integer, String> values,
            Map<Integer, String>... earlier) {
        StringBuilder script = new StringBuilder("-- generated by com.emogg.bench from the application's statements\n");
        sets.forEach(set -> script.append(set).append('\n'));
        if (authenticateToken != null) {
            script.append(bind(AppStatements.authenticate(), Map.of(1, "decode('" + sha256(authenticateToken) + "', 'hex')")))
                    .append(";\n");
        }
        for (int i = 0; i < statements.size(); i++) {
            Map<Integer, String> bound = i == statements.size() - 1 ? values : earlier[i];
            script.append(bind(statements.get(i), bound)).append(";\n");
        }
        return script.toString();
    }

    static String bind(String sql, Map<Integer, String> values) {
        if (PGBENCH_VARIABLE.matcher(sql).find()) {
            throw new IllegalStateException("the statement has a ':name' that pgbench would take for a variable: " + sql);
        }
        Matcher matcher = PARAMETER.matcher(sql);
        StringBuilder bound = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(Integer.parseInt(matcher.group(1)));
            if (value == null) {
                throw new IllegalStateException("no value for $" + matcher.group(1) + " in " + sql
                        + ": the statement changed, update com.emogg.bench.PgBenchScripts");
            }
            matcher.appendReplacement(bound, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(bound);
        String text = bound.toString().strip();
        return text.endsWith(";") ? text.substring(0, text.length() - 1) : text;
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
