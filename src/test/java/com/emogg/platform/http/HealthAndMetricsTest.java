package com.emogg.platform.http;

import static com.emogg.testing.TestApi.newUser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.LocalBroker;
import com.emogg.testing.TestApi.TestUser;
import com.emogg.worker.SessionWorkers;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Health as Kubernetes uses it: the api stays ready through a broker outage (stops keep being
 * recorded), a worker does not; liveness depends on nothing external. And the metrics a dashboard
 * reads.
 */
@QuarkusTest
class HealthAndMetricsTest {

    @Inject
    SessionWorkers workers;

    @Test
    void duringABrokerOutageTheApiIsReadyAndAWorkerIsNot() {
        TestUser user = newUser();
        workers.startWorker();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200));
            LocalBroker.stop();
            try {
                // the api alone: a worker's readiness is its own (in production, another process)
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(503)
                        .body("checks.find { it.name == 'Session worker' }.status", equalTo("DOWN")));
                workers.stopWorker();
                given().when().get("/q/health/ready").then().statusCode(200);
                given().when().get("/q/health/live").then().statusCode(200);
                // and it keeps taking sessions and stops: they wait in the outbox
                String id = user.createSession("during the outage");
                user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
            } finally {
                LocalBroker.start();
            }
        } finally {
            workers.stopWorker();
        }
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theMetricsADashboardNeedsArePublished() {
        TestUser user = newUser();
        String id = user.createSession("metered");
        user.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("emogg_sessions_stopped_total{reason=\"user\"}"))
                .body(containsString("emogg_relay_published_total{type=\"SessionStopRequested\"}"))
                .body(containsString("emogg_relay_commit_to_publish_seconds_bucket"))
                .body(containsString("emogg_relay_oldest_unpublished_seconds"))
                .body(containsString("emogg_sessions{state=\"finished\",worker_state=\"stopped\"}"))
                .body(containsString("http_server_requests_seconds_count")));
    }
}
