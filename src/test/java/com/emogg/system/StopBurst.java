package com.emogg.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.emogg.testing.Sleep;

/**
 * Stops a set of sessions as fast as a few client threads can, each stop retried until it gets an
 * answer (a replica killed in the middle gives "no response"; the retry then finds the session
 * already finished, a 400, or stops it, a 200). Faults kill things while it runs; {@link #done()}
 * tells how far it got, so a fault can strike at a random point of the burst.
 */
final class StopBurst {

    private final ConcurrentLinkedQueue<String> queue;
    private final AtomicInteger done = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    final int size;

    StopBurst(Run run, ApiClient.User user, List<String> sessions, int threadCount, String clientName) {
        List<String> shuffled = new ArrayList<>(sessions);
        Collections.shuffle(shuffled, run.random);
        this.queue = new ConcurrentLinkedQueue<>(shuffled);
        this.size = shuffled.size();
        for (int i = 0; i < threadCount; i++) {
            ApiClient client = run.client(clientName + "-" + i);
            threads.add(new Thread(() -> {
                for (String id = queue.poll(); id != null; id = queue.poll()) {
                    for (int attempt = 0; attempt < 600; attempt++) {
                        try {
                            if (!client.stop(user, id).outcomeUnknown()) {
                                break;
                            }
                        } catch (IllegalStateException e) {
                            // no replica running right now
                        }
                        Sleep.millis(100);
                    }
                    done.incrementAndGet();
                }
            }, clientName + "-" + i));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Starts and waits for the end. */
    void run() {
        start();
        await();
    }

    int done() {
        return done.get();
    }

    void await() {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
