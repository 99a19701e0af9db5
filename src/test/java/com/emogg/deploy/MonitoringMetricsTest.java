package com.emogg.deploy;

import static com.emogg.testing.TestApi.newUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.local.LoopbackStream;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.worker.SessionWorkers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Every metric the alert rules, the Grafana dashboard and KEDA's query name exists in the
 * {@code /q/metrics} of the running application, with the labels they match on: an expression
 * naming a metric that does not exist is silent forever (an alert that never fires, an empty
 * panel, a scaler without data).
 *
 * <p>Metrics registered at first use (counters with tags, the HTTP server's series) are made to
 * exist by exercising the application first: a session is created on a stream a worker started
 * here probes, then stopped, and the worker confirms. The worker runs in this process (as the
 * worker tests do), so its own metrics are in the same registry. Metrics of other exporters are
 * listed in {@link #EXTERNAL}, with where they come from.
 */
@QuarkusTest
class MonitoringMetricsTest {

    /** Metrics the expressions take from other exporters than the application. */
    static final Map<String, String> EXTERNAL = Map.of(
            "up", "Prometheus itself, per scraped target",
            "kube_deployment_status_replicas_available", "kube-state-metrics",
            "kube_deployment_status_replicas_unavailable", "kube-state-metrics",
            "kube_deployment_spec_replicas", "kube-state-metrics",
            "kafka_consumergroup_lag", "Strimzi's Kafka Exporter (Kafka resource, spec.kafkaExporter)",
            "kafka_topic_partition_current_offset", "Strimzi's Kafka Exporter (Kafka resource, spec.kafkaExporter)");

    /** Labels Prometheus adds to every scraped sample (the Prometheus Operator's target labels). */
    static final Set<String> TARGET_LABELS = Set.of("job", "namespace", "pod", "instance", "service", "container", "endpoint");

    /** Label values an expression may match that this test cannot produce (a database outage's 503). */
    static final Set<String> UNPRODUCED_VALUES = Set.of("status=503");

    /** PromQL words that are not metric names. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
            "and", "or", "unless", "inf", "nan", "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
            "bottomk", "topk", "quantile", "limitk", "limit_ratio");

    static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    @Inject
    SessionWorkers workers;

    record Selector(String metric, Map<String, String> equalities, Set<String> labels) {
    }

    /** An expression as written in deploy/, where it comes from. */
    record Expression(String where, String promql) {
    }

    @Test
    void everyMetricOfTheAlertsTheDashboardAndTheScalerExists() {
        Map<String, Map<String, Set<String>>> exported = exercisedMetrics();

        List<Expression> expressions = expressions();
        assertTrue(expressions.size() > 20, "the alerts, the dashboard's panels and KEDA's query: " + expressions.size());
        List<String> failures = new ArrayList<>();
        for (Expression expression : expressions) {
            List<Selector> selectors = selectors(expression.promql());
            if (selectors.isEmpty()) {
                failures.add(expression.where() + ": names no metric: " + expression.promql());
            }
            for (Selector selector : selectors) {
                if (EXTERNAL.containsKey(selector.metric())) {
                    if (exported.containsKey(selector.metric())) {
                        failures.add(expression.where() + ": " + selector.metric() + " is the application's, not " + EXTERNAL.get(selector.metric()) + "'s");
                    }
                    continue;
                }
                Map<String, Set<String>> labels = exported.get(selector.metric());
                if (labels == null) {
                    failures.add(expression.where() + ": no metric " + selector.metric() + " in /q/metrics");
                    continue;
                }
                for (String label : selector.labels()) {
                    if (!TARGET_LABELS.contains(label) && !labels.containsKey(label)) {
                        failures.add(expression.where() + ": " + selector.metric() + " has no label " + label + " (it has " + labels.keySet() + ")");
                    }
                }
                selector.equalities().forEach((label, value) -> {
                    if (!TARGET_LABELS.contains(label) && labels.containsKey(label) && !labels.get(label).contains(value)
                            && !UNPRODUCED_VALUES.contains(label + "=" + value)) {
                        failures.add(expression.where() + ": " + selector.metric() + "{" + label + "=\"" + value + "\"} never seen (seen: "
                                + labels.get(label) + ")");
                    }
                });
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The selector reader itself, on the shapes the expressions use. */
    @Test
    void selectorsAreReadFromPromQl() {
        List<Selector> selectors = selectors("histogram_quantile(0.99, sum by (namespace, le) (rate(a_seconds_bucket{job=\"x\", uri=~\"/v1/{id}/.*\"}[5m])))"
                + " / on (namespace) group_left max without (pod) (b_total offset 15m) > bool 3 unless c:rule");
        assertEquals(List.of("a_seconds_bucket", "b_total", "c:rule"), selectors.stream().map(Selector::metric).toList());
        assertEquals(Map.of("job", "x"), selectors.get(0).equalities());
        assertEquals(Set.of("job", "uri"), selectors.get(0).labels());
    }

    /** Creates, runs and stops a session with a worker, then reads /q/metrics: name, then label, then values. */
    private Map<String, Map<String, Set<String>>> exercisedMetrics() {
        TestUser user = newUser();
        workers.startWorker();
        try (LoopbackStream stream = LoopbackStream.start(0, 0)) {
            String id = user.json().body(Map.of("name", "metered", "streamUri", stream.rtspUri()))
                    .when().post("/v1/sessions").then().statusCode(201).extract().path("_id");
            awaitWorkerState(user, id, "working");
            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
            user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(400);
            awaitWorkerState(user, id, "stopped");
            // the emogg_sessions gauges are counted every 30 s
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertTrue(
                    given().when().get("/q/metrics").then().statusCode(200).extract().asString()
                            .matches("(?s).*\\nemogg_sessions\\{state=\"finished\",worker_state=\"stopped\"} [1-9].*")));
        } finally {
            workers.stopWorker();
        }
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Map<String, Set<String>>> metrics = new HashMap<>();
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String line : text.split("\n")) {
            Matcher matcher = sample.matcher(line);
            if (line.startsWith("#") || !matcher.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = metrics.computeIfAbsent(matcher.group(1), name -> new HashMap<>());
            if (matcher.group(2) != null) {
                Matcher pair = label.matcher(matcher.group(2));
                while (pair.find()) {
                    labels.computeIfAbsent(pair.group(1), name -> new HashSet<>()).add(pair.group(2));
                }
            }
        }
        return metrics;
    }

    private static void awaitWorkerState(TestUser user, String id, String state) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertEquals(state,
                user.call().when().get("/v1/sessions/" + id).then().statusCode(200).extract().path("meta.workerState")));
    }

    /** Every PromQL expression of deploy/: alert rules, dashboard panels and variables, KEDA's query. */
    static List<Expression> expressions() {
        List<Expression> expressions = new ArrayList<>();
        DeployFiles.yaml("deploy/base/monitoring/prometheusrule.yaml").get(0).at("/spec/groups").forEach(group -> group.path("rules")
                .forEach(rule -> expressions.add(new Expression("alert " + rule.path("alert").asText(), rule.path("expr").asText()))));
        JsonNode dashboard;
        try {
            dashboard = new ObjectMapper().readTree(DeployFiles.text("deploy/base/monitoring/stop-path-dashboard.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(new Expression("panel " + panel.path("title").asText(), grafana(target.path("expr").asText())));
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher labelValues = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$").matcher(variable.path("definition").asText());
                assertTrue(labelValues.matches(), "variable " + variable.path("name").asText());
                expressions.add(new Expression("variable " + variable.path("name").asText(), labelValues.group(1)));
            }
        }
        DeployFiles.yaml("deploy/base/worker-scaledobject.yaml").get(0).path("spec").path("triggers").forEach(trigger -> {
            if (trigger.path("type").asText().equals("prometheus")) {
                expressions.add(new Expression("KEDA", trigger.at("/metadata/query").asText()));
            }
        });
        return expressions;
    }

    /** Grafana's variables, as Grafana would fill them in. */
    private static String grafana(String expression) {
        return expression.replace("$__rate_interval", "5m").replace("$namespace", "emogg");
    }

    private static final Pattern TOKEN = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|\\[[^\\]]*]|\\{(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^}\"])*}"
                    + "|[0-9][0-9a-zA-Z.]*|[a-zA-Z_:][a-zA-Z0-9_:]*|\\(|\\)|\\s+|.");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The vector selectors of a PromQL expression: identifiers that are not functions (followed by
     * a parenthesis), aggregations, keywords or label lists (after by, on...), with their matchers.
     */
    static List<Selector> selectors(String promql) {
        List<String> tokens = new ArrayList<>();
        Matcher token = TOKEN.matcher(promql);
        while (token.find()) {
            if (!token.group().isBlank()) {
                tokens.add(token.group());
            }
        }
        List<Selector> selectors = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String current = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            if (LABEL_LISTS.contains(current) && next.equals("(")) {
                while (!tokens.get(i).equals(")")) {
                    i++;
                }
            } else if (current.matches("[a-zA-Z_:][a-zA-Z0-9_:]*") && !KEYWORDS.contains(current) && !next.equals("(")) {
                Map<String, String> equalities = new LinkedHashMap<>();
                Set<String> labels = new HashSet<>();
                if (next.startsWith("{")) {
                    Matcher matcher = MATCHER.matcher(next);
                    while (matcher.find()) {
                        labels.add(matcher.group(1));
                        if (matcher.group(2).equals("=")) {
                            equalities.put(matcher.group(1), matcher.group(3));
                        }
                    }
                }
                selectors.add(new Selector(current, equalities, labels));
            }
        }
        assertFalse(selectors.stream().anyMatch(s -> s.metric().startsWith("$")), promql);
        return selectors;
    }
}
