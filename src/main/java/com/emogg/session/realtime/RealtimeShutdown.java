package com.emogg.session.realtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Sends every WebSocket client away (close code 1001, "going away") as soon as the replica starts
 * shutting down, and turns away connections opened after that. A client that reconnects then reaches
 * a replica that stays. Without this, Quarkus's graceful shutdown counts each open connection as a
 * request in flight and waits its whole timeout ({@code quarkus.shutdown.timeout}) for clients
 * that never leave on their own, while they get no word to reconnect.
 *
 * <p>It runs in the pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}), the same moment the
 * readiness check goes down, before the shutdown delay and the wait for requests in flight.
 */
@ApplicationScoped
public class RealtimeShutdown {

    public static final int GOING_AWAY = 1001;
    static final String REASON = "the server is shutting down: reconnect";
    private static final Logger LOG = Logger.getLogger(RealtimeShutdown.class);

    private final OpenConnections connections;
    private volatile boolean started;

    public RealtimeShutdown(OpenConnections connections) {
        this.connections = connections;
    }

    void sendClientsAway(@Observes ShutdownDelayInitiatedEvent shutdown) {
        started = true;
        int count = 0;
        for (WebSocketConnection connection : connections) {
            goAway(connection);
            count++;
        }
        LOG.infof("shutting down: %d WebSocket clients asked to reconnect elsewhere", count);
    }

    boolean started() {
        return started;
    }

    static void goAway(WebSocketConnection connection) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(GOING_AWAY, REASON)).subscribe().with(closed -> { },
                    failure -> LOG.debugf("a WebSocket connection was already gone: %s", failure.getMessage()));
        }
    }
}
