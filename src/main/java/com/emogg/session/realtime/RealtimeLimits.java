package com.emogg.session.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * The WebSocket API's limits, kept by each replica: new connections per IP and minute (checked
 * before the upgrade, answered with a 429), messages per user and minute, subscriptions per user.
 */
@ApplicationScoped
public class RealtimeLimits implements HttpUpgradeCheck {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final RealtimeConfig config;
    private final SlidingWindow connections;
    private final SlidingWindow messages;
    private final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();

    public RealtimeLimits(RealtimeConfig config) {
        this.config = config;
        this.connections = new SlidingWindow(config.connectionsPerMinute(), MINUTE);
        this.messages = new SlidingWindow(config.messagesPerMinute(), MINUTE);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        var address = context.httpRequest().remoteAddress();
        String ip = address == null ? "unknown" : address.hostAddress();
        return connections.tryAcquire(ip, System.nanoTime()) ? CheckResult.permitUpgrade()
                : CheckResult.rejectUpgrade(429, Map.of("Retry-After", java.util.List.of("60")));
    }

    boolean message(String userId) {
        return messages.tryAcquire(userId, System.nanoTime());
    }

    /** Takes one of the user's subscriptions; false when they have them all. */
    boolean subscribe(String userId) {
        AtomicInteger count = subscriptions.computeIfAbsent(userId, ignored -> new AtomicInteger());
        if (count.incrementAndGet() > config.subscriptionsPerUser()) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    void unsubscribe(String userId) {
        subscriptions.computeIfPresent(userId, (ignored, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    @Scheduled(every = "60s", delayed = "60s")
    void prune() {
        long now = System.nanoTime();
        connections.prune(now);
        messages.prune(now);
    }
}
