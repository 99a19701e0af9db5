package com.emogg.bench;

import java.util.Map;

/**
 * Scenarios 2 and 3, the read paths against pgbench of the same database work: {@code GET
 * /v1/sessions/:id} on random sessions of the stop pool, and the first page of {@code GET
 * /v1/sessions} (10 items) for random users of a table of a million sessions, which only an index
 * can serve that fast (the plan is checked and reported). Each request by the owner, from the
 * many load users; the baselines run the token lookup and the statement, from as many connections
 * as the application's pool gives its statements.
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
        String script = PgBenchScripts.get(pool, settings.users(), authToken());
        harness.report.script("get (scenario 2): token lookup + select", script);
        String limited = PgBenchScripts.getWithRateLimiter(pool, settings.users(), authToken());
        if (limited != null) {
            harness.report.script("get with today's rate limiter statement (scenario 2, informative)", limited);
        }
        LoadGenerator.Workload workload = Workloads.get(pool, harness.users);
        for (int connections : settings.connections()) {
            int baselineConnections = settings.baselineConnections(connections);
            RunResult app = harness.checkedHttp("get", "app", workload, connections);
            RunResult baseline = harness.pgbench.map(pgbench -> harness.measure(() -> pgbench.run("get", script, baselineConnections,
                    settings.warmup(), settings.measure(), Map.of()))).orElse(null);
            harness.report.ratioRow("2 get", "c=" + connections + Report.baselineConnections(connections, baselineConnections), app,
                    baseline, PgBench.MISSING, 0.6, "tps");
            if (limited != null && connections == settings.referenceConnections() && harness.pgbench.isPresent()) {
                RunResult withLimiter = harness.measure(() -> harness.pgbench.get().run("get+ratelimit-statement", limited,
                        baselineConnections, settings.warmup(), settings.measure(), Map.of()));
                harness.report.row("2 get", "c=" + connections + ": pgbench with today's rate limiter statement too (informative)",
                        app.summary("req/s"), withLimiter.summary("tps"), Report.ratio(app.throughput / withLimiter.throughput), "-", "-");
                harness.report.figure("get.limiterStatementBaselineTps", withLimiter.throughput);
            }
        }
        harness.report.sweepChart("chart-2-get.png", "Scenario 2: GET /v1/sessions/:id vs pgbench of token lookup + select", "get");
        harness.profiledRun("get", "app", workload, "get-c" + settings.referenceConnections());
    }

    /** One more GET run at the reference connection count on the api as it runs now (issue item 2 compares rate limiting on and off). */
    RunResult getRun(String variant, String profile) {
        LoadGenerator.Workload workload = Workloads.get(harness.settings.stopPool(), harness.users);
        RunResult run = harness.checkedHttp("get", variant, workload, harness.settings.referenceConnections());
        if (profile != null) {
            harness.profiledRun("get", variant, workload, profile);
        }
        return run;
    }

    void list() {
        Settings settings = harness.settings;
        Seed seed = harness.seed();
        seed.listSessions(settings.listSessions(), settings.users());
        String script = PgBenchScripts.list(settings.users(), authToken());
        harness.report.script("list (scenario 3): token lookup + list", script);
        explain();
        LoadGenerator.Workload workload = Workloads.list(harness.users);
        for (int connections : settings.connections()) {
            int baselineConnections = settings.baselineConnections(connections);
            RunResult app = harness.checkedHttp("list", "app", workload, connections);
            RunResult baseline = harness.pgbench.map(pgbench -> harness.measure(() -> pgbench.run("list", script, baselineConnections,
                    settings.warmup(), settings.measure(), Map.of()))).orElse(null);
            harness.report.ratioRow("3 list", "c=" + connections + Report.baselineConnections(connections, baselineConnections) + ", "
                    + Progress.count(settings.listSessions()) + " rows", app, baseline, PgBench.MISSING, 0.5, "tps");
        }
        harness.profiledRun("list", "app", workload, "list-c" + settings.referenceConnections());
        harness.report.sweepChart("chart-3-list.png", "Scenario 3: GET /v1/sessions?limit=10 (" + Progress.count(settings.listSessions())
                + " sessions) vs pgbench of token lookup + its statement", "list");
    }

    /** The list statement's plan on the seeded table: served by the index, or a target missed. */
    private void explain() {
        String sql = PgBenchScripts.bind(AppStatements.list(), Map.of(1, "'" + Ids.loadUser(1) + "'", 2, "11", 3, "0"));
        String plan = harness.db.lines("explain (analyze, buffers) " + sql);
        boolean indexed = plan.contains("sessions_by_user_newest") && !plan.contains("Seq Scan") && !plan.contains("Sort ");
        String time = plan.lines().filter(line -> line.startsWith("Execution Time")).findFirst().orElse("").trim();
        harness.report.row("3 list", "plan of the LIST statement", indexed ? "index scan on sessions_by_user_newest, no sort (" + time + ")"
                : "not index-served, see notes", "-", "-", "index-served", Report.met(indexed));
        harness.report.note("plan of the list statement for one user of " + Progress.count(harness.settings.listSessions())
                + " sessions:\n\n```\n" + plan + "```");
    }

    /** See PgBenchScripts: the baselines run the token lookup in every transaction unless bench.baseline.auth=false. */
    private String authToken() {
        return harness.settings.baselineAuth() ? harness.users.token(1) : null;
    }
}
