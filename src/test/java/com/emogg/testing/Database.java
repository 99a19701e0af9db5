package com.emogg.testing;

import java.util.List;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the real database behind the application, to check what a response claims. */
public final class Database {

    private Database() {
    }

    public static List<Row> rows(Pool pool, String sql, Object... parameters) {
        var result = pool.preparedQuery(sql).execute(Tuple.from(parameters)).await().indefinitely();
        var rows = new java.util.ArrayList<Row>();
        result.forEach(rows::add);
        return rows;
    }

    public static Row row(Pool pool, String sql, Object... parameters) {
        List<Row> rows = rows(pool, sql, parameters);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }
}
