package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class ConcurrentStopTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void ofFiftyConcurrentStopsExactlyOneWins() throws Exception {
        TestUser user = newUser();
        String id = user.createSession("contended");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest stop = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/sessions/" + id + "/stop"))
                .header("Authorization", "Bearer " + user.token())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();

        ExecutorService threads = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                    return client.send(stop, HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
        }
        start.countDown();
        Map<Integer, Long> statuses = responses.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));

        threads.shutdown();

        assertEquals(Map.of(200, 1L, 400, 49L), statuses);
        assertEquals("finished", Database.row(pool, "select state from sessions where id = $1", id).getString("state"));
    }
}
