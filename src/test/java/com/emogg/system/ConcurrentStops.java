package com.emogg.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.emogg.testing.Sleep;

/**
 * Fault 7: 1,000 stops at once on 100 sessions (10 each), from several clients (each its own HTTP
 * connection pool) spread over both api replicas, a few users owning the sessions. A burst this size
 * on two small replicas may be shed with 503 + Retry-After (a pooled connection is waited for 3 s at
 * most); a client retries those after the pause it was given, as clients must. Of all the stops of one
 * session, retries included, exactly one may win: a single 200, every other a 400 (or none at all when
 * the worker had already failed the session). The global checker then ties each 200 to the one
 * committed stop.
 */
final class ConcurrentStops implements Fault {

    private static final int CLIENTS = 4;
    private static final int MAX_TRIES = 20;

    @Override
    public String id() {
        return "F7";
    }

    @Override
    public String title() {
        return "1,000 concurrent stops on 100 sessions from several clients";
    }

    /** A stop, tried again after its Retry-After (or a second without one) while it gets a 503 or no answer. */
    private static CompletableFuture<Exchange> untilAnswered(ApiClient client, AppProcess replica, ApiClient.User user, String session,
            List<Exchange> attempts, int attempt) {
        return client.stopAsync(replica, user, session).thenCompose(exchange -> {
            attempts.add(exchange);
            if (!exchange.outcomeUnknown() || attempt >= MAX_TRIES) {
                return CompletableFuture.completedFuture(exchange);
            }
            long pause = exchange.retryAfter() == null ? 1 : Long.parseLong(exchange.retryAfter().trim());
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause, TimeUnit.SECONDS))
                    .thenCompose(ignored -> untilAnswered(client, replica, user, session, attempts, attempt + 1));
        });
    }

    @Override
    public void inject(Run run, FaultRecord record) {
        int sessionCount = run.settings.concurrentSessions();
        int stops = run.settings.stopsPerSession();
        List<ApiClient> clients = new ArrayList<>();
        List<ApiClient.User> users = new ArrayList<>();
        Map<String, ApiClient.User> owner = new HashMap<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(run.client("f7-" + i));
            users.add(run.newUser(clients.get(i)));
        }
        for (int i = 0; i < CLIENTS; i++) {
            for (String id : run.createSessions(clients.get(i), users.get(i), sessionCount / CLIENTS, false)) {
                sessions.add(id);
                owner.put(id, users.get(i));
            }
        }
        // some sessions are still pending, some starting or working, some already failed by their worker
        Sleep.millis(run.random.nextInt(2500));
        record Planned(String session, int client, AppProcess replica) {
        }
        List<Planned> plan = new ArrayList<>();
        for (String id : sessions) {
            for (int k = 0; k < stops; k++) {
                plan.add(new Planned(id, run.random.nextInt(CLIENTS), run.cluster.apis.get(run.random.nextInt(run.cluster.apis.size()))));
            }
        }
        Collections.shuffle(plan, run.random);
        long started = System.nanoTime();
        List<CompletableFuture<Exchange>> calls = new ArrayList<>(plan.size());
        List<Exchange> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Planned stop : plan) {
            calls.add(untilAnswered(clients.get(stop.client), stop.replica, owner.get(stop.session), stop.session, attempts, 1));
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
        } catch (Exception e) {
            run.violation(id(), "the %d concurrent stops did not all complete within 180 s", plan.size());
        }
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> statuses = new TreeMap<>();
        synchronized (attempts) {
            attempts.forEach(exchange -> statuses.merge(exchange.statusText(), 1, Integer::sum));
        }
        Map<String, int[]> perSession = new HashMap<>();
        for (CompletableFuture<Exchange> call : calls) {
            Exchange last = call.getNow(null);
            if (last != null) {
                // the final answer of each planned stop: 200 or 400, or still none after the retries
                int[] counts = perSession.computeIfAbsent(last.sessionId(), id -> new int[3]);
                counts[last.status() == 200 ? 0 : last.status() == 400 ? 1 : 2]++;
            }
        }
        int won = 0;
        int alreadyFinished = 0;
        for (String id : sessions) {
            int[] counts = perSession.getOrDefault(id, new int[3]);
            if (counts[0] > 1) {
                run.violation(id(), "session %s got %d 200s from its %d concurrent stops", id, counts[0], stops);
            } else if (counts[0] == 1) {
                won++;
            } else if (counts[2] == 0) {
                alreadyFinished++;
            }
            if (counts[2] > 0) {
                run.violation(id(), "session %s: %d of its concurrent stops got neither 200 nor 400 after %d tries", id, counts[2],
                        MAX_TRIES);
            }
        }
        record.note("%d stops on %d sessions answered in %d ms (%d requests with the retries: %s); %d sessions with exactly one 200, "
                + "%d already finished by their worker (no 200)", plan.size(), sessions.size(), elapsed, attempts.size(), statuses, won,
                alreadyFinished);
        if (!run.awaitOutboxDrained(Duration.ofSeconds(60))) {
            run.violation(id(), "%d events still unpublished 60 s after the concurrent stops", run.db.unpublished());
        }
    }
}
