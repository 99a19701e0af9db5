package com.emogg.bench;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/sessions/:id/stop} over distinct active sessions, each with its owner's token: a
 * shared cursor walks the stop pool, so every request stops a session that is still active (as long
 * as the pool lasts; the harness checks afterwards how many sessions were really stopped), and the
 * requests go round the users (see {@link Users}).
 */
final class StopWorkload implements LoadGenerator.Workload {

    private final AtomicLong cursor = new AtomicLong();
    private final int pool;
    private final Users users;
    private final boolean idempotencyKey;

    StopWorkload(int pool, Users users, boolean idempotencyKey) {
        this.pool = pool;
        this.users = users;
        this.idempotencyKey = idempotencyKey;
    }

    @Override
    public LoadGenerator.Call next() {
        long n = cursor.getAndIncrement() % pool;
        return new LoadGenerator.Call(io.vertx.core.http.HttpMethod.POST, "/v1/sessions/" + Ids.id(Ids.STOP_POOL + n) + "/stop",
                users.ownerOfPoolSession(n), idempotencyKey ? UUID.randomUUID().toString() : null);
    }

    long issued() {
        return cursor.get();
    }
}
