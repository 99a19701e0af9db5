package com.emogg.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.emogg.contract.WireValue;
import com.emogg.contract.WorkerState;
import com.emogg.platform.database.PostgresNotifications;

/**
 * Tells who asks when a session's worker state changes, in this replica, whichever replica
 * applied the change: every change of {@code sessions.worker_state} is a NOTIFY
 * ({@code worker_state}, "{@code <session id> <state>}") that every replica hears.
 */
@ApplicationScoped
public class WorkerStateWatch {

    private static final Logger LOG = Logger.getLogger(WorkerStateWatch.class);

    private final Map<String, List<Consumer<WorkerState>>> watchers = new ConcurrentHashMap<>();

    private final PostgresNotifications notifications;

    public WorkerStateWatch(PostgresNotifications notifications) {
        this.notifications = notifications;
        notifications.listen("worker_state", this::changed);
    }

    /** Whether the notifications arrive (they do once the LISTEN connection is up). */
    public boolean listening() {
        return notifications.isListening();
    }

    /** Calls {@code watcher} with each new state of the session until the returned handle is run. */
    public Runnable watch(String sessionId, Consumer<WorkerState> watcher) {
        watchers.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>()).add(watcher);
        return () -> watchers.computeIfPresent(sessionId, (id, list) -> {
            list.remove(watcher);
            return list.isEmpty() ? null : list;
        });
    }

    private void changed(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0) {
            return;
        }
        List<Consumer<WorkerState>> interested = watchers.get(payload.substring(0, space));
        if (interested == null) {
            return;
        }
        WorkerState state = WireValue.parse(WorkerState.class, payload.substring(space + 1));
        for (Consumer<WorkerState> watcher : interested) {
            try {
                watcher.accept(state);
            } catch (RuntimeException e) {
                LOG.warnf("a worker state watcher failed: %s", e.getMessage());
            }
        }
    }
}
