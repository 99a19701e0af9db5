package com.emogg.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.emogg.testing.Sleep;

/**
 * The steady background traffic every fault happens under: a few clients, each its own user, creating
 * sessions (half on the live loopback stream, so workers run them, half on a dead address, so workers
 * fail them), stopping them at random moments and reading them. A stop whose outcome is unknown (no
 * response, 5xx) is tried again later, as a real client would; the history keeps both.
 */
final class LoadClients implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    LoadClients(Run run, int count) {
        for (int i = 0; i < count; i++) {
            ApiClient client = run.client("load-" + i);
            ApiClient.User user = run.newUser(client);
            Random random = new Random(run.seed * 31 + i);
            Thread thread = new Thread(() -> loop(run, client, user, random), "crash-load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void loop(Run run, ApiClient client, ApiClient.User user, Random random) {
        List<String> active = new ArrayList<>();
        while (running) {
            try {
                double dice = random.nextDouble();
                if (active.size() < 2 || active.size() < 6 && dice < 0.4) {
                    Exchange created = client.create(user, random.nextBoolean() ? run.liveStream() : Run.DEAD_STREAM);
                    if (created.status() == 201) {
                        active.add(created.sessionId());
                    }
                } else if (dice < 0.85) {
                    String id = active.get(random.nextInt(active.size()));
                    Exchange stopped = client.stop(user, id);
                    if (!stopped.outcomeUnknown()) {
                        active.remove(id); // 200, or 400 because the worker failed it or an earlier try went through
                    }
                } else {
                    client.get(user, active.get(random.nextInt(active.size())));
                }
            } catch (IllegalStateException e) {
                // no api replica running at this moment (both killed): wait for them
                Sleep.millis(200);
            }
            Sleep.millis(150 + random.nextInt(350));
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(90_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
