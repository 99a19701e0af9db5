package com.emogg.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.http.HttpMethod;

/**
 * Scenarios 2 and 3, the read paths against pgbench of the same statements: {@code GET
 * /v1/sessions/:id} on random sessions of the stop pool, and the first page of {@code GET
 * /v1/sessions} (10 items) for random users of a table of a million sessions, which only an index
 * can serve that fast (the plan is checked and reported).
 */
final class ReadScenarios {

    private final Harness harness;

    ReadScenarios(Harness harness) {
        this.harness = harness;
    }

    void get() {
        Settings settings = harness.settings;
        int pool = settings.stopPool();
        harness.resetStopPool();
        String script = PgBenchScripts.get(pool, authToken(harness.stopToken));
        harness.report.script("get (scenario 2)", script);
        LoadGenerator.Workload workload = () -> new LoadGenerator.Call(HttpMethod.GET,
                "/v1/sessions/" + Ids.id(Ids.STOP_POOL + ThreadLocalRandom.current().nextInt(pool)), harness.stopToken, null);
        for (int connections : settings.connections()) {
            RunResult app = harness.checkedHttp("get", "app", workload, connections);
            RunResult baseline = harness.pgbench.map(pgbench -> harness.measure(() -> pgbench.run("get", script, connections,
                    settings.warmup(), settings.measure(), Map.of()))).orElse(null);
            harness.report.ratioRow("2 get", "c=" + connections, app, baseline, PgBench.MISSING, 0.6, "tps");
        }
        harness.report.sweepChart("chart-2-get.png", "Scenario 2: GET /v1/sessions/:id vs pgbench of its statement", "get");
    }

    void list() {
        Settings settings = harness.settings;
        Seed seed = harness.seed();
        seed.listSessions(settings.listSessions(), settings.listUsers());
        List<String> tokens = seed.tokens(1, settings.listUsersWithTokens());
        Progress.line("list: %d tokens issued through the admin API", tokens.size());
        String script = PgBenchScripts.list(settings.listUsersWithTokens(), authToken(tokens.get(0)));
        harness.report.script("list (scenario 3)", script);
        explain();
        LoadGenerator.Workload workload = () -> new LoadGenerator.Call(HttpMethod.GET, "/v1/sessions?limit=10",
                tokens.get(ThreadLocalRandom.current().nextInt(tokens.size())), null);
        for (int connections : settings.connections()) {
            RunResult app = harness.checkedHttp("list", "app", workload, connections);
            RunResult baseline = harness.pgbench.map(pgbench -> harness.measure(() -> pgbench.run("list", script, connections,
                    settings.warmup(), settings.measure(), Map.of()))).orElse(null);
            harness.report.ratioRow("3 list", "c=" + connections + ", " + Progress.count(settings.listSessions()) + " rows", app, baseline,
                    PgBench.MISSING, 0.4, "tps");
        }
        harness.report.sweepChart("chart-3-list.png", "Scenario 3: GET /v1/sessions?limit=10 (" + Progress.count(settings.listSessions())
                + " sessions) vs pgbench of its statement", "list");
    }

    /** The list statement's plan on the seeded table: served by the index, or a target missed. */
    private void explain() {
        String sql = PgBenchScripts.bind(AppStatements.list(), Map.of(1, "'" + Ids.listUser(1) + "'", 2, "11", 3, "0"));
        String plan = harness.db.lines("explain (analyze, buffers) " + sql);
        boolean indexed = plan.contains("sessions_by_user_newest") && !plan.contains("Seq Scan") && !plan.contains("Sort ");
        String time = plan.lines().filter(line -> line.startsWith("Execution Time")).findFirst().orElse("").trim();
        harness.report.row("3 list", "plan of the LIST statement", indexed ? "index scan on sessions_by_user_newest, no sort (" + time + ")"
                : "not index-served, see notes", "-", "-", "index-served", Report.met(indexed));
        harness.report.note("plan of the list statement for one user of " + Progress.count(harness.settings.listSessions())
                + " sessions:\n\n```\n" + plan + "```");
    }

    /** See PgBenchScripts: the baselines leave the token lookup out unless bench.baseline.auth=true. */
    private static String authToken(String token) {
        return Boolean.getBoolean("bench.baseline.auth") ? token : null;
    }
}
