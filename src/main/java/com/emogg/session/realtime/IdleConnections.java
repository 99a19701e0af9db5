package com.emogg.session.realtime;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocketConnection;

/** Closes WebSocket connections that sent nothing for {@code emogg.ws.idle-timeout} (65 s by contract). */
@ApplicationScoped
public class IdleConnections {

    private static final TypedKey<Long> LAST_ACTIVITY = TypedKey.forLong("emogg.lastActivity");

    private final OpenConnections connections;
    private final long idleNanos;

    public IdleConnections(OpenConnections connections, RealtimeConfig config) {
        this.connections = connections;
        this.idleNanos = config.idleTimeout().toNanos();
    }

    static void touch(WebSocketConnection connection) {
        connection.userData().put(LAST_ACTIVITY, System.nanoTime());
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeIdle() {
        long now = System.nanoTime();
        for (WebSocketConnection connection : connections) {
            Long last = connection.userData().get(LAST_ACTIVITY);
            if (last != null && now - last > idleNanos && connection.isOpen()) {
                connection.close(new CloseReason(1000, "idle")).subscribe().with(closed -> { }, failure -> { });
            }
        }
    }
}
