package com.emogg.bench;

import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.http.HttpMethod;

/** The read workloads, each request with the token of a user who may read what it asks for. */
final class Workloads {

    private Workloads() {
    }

    /** {@code GET /v1/sessions/:id} of a random session of the stop pool, by its owner. */
    static LoadGenerator.Workload get(int pool, Users users) {
        return () -> {
            int n = ThreadLocalRandom.current().nextInt(pool);
            return new LoadGenerator.Call(HttpMethod.GET, "/v1/sessions/" + Ids.id(Ids.STOP_POOL + n), users.ownerOfPoolSession(n), null);
        };
    }

    /** The first page of {@code GET /v1/sessions} (10 items) of a random user. */
    static LoadGenerator.Workload list(Users users) {
        return () -> new LoadGenerator.Call(HttpMethod.GET, "/v1/sessions?limit=10", users.any(), null);
    }
}
