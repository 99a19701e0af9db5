package com.emogg.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sessions whose tombstone ({@code SessionSettled}) this worker read, most recent last. Once a
 * session is settled the worker forgets its commands, but not that it is over: a start of it that
 * comes later (a relay's resend, a replayed record) is ignored, as a start after a stop always was.
 * Bounded, since it must not grow with history (the point of the tombstones); what it protects
 * against comes soon after the tombstone, and a relay that sends a start again sends the stop and
 * the tombstone that followed it again too.
 */
final class SettledSessions {

    private final Map<String, Boolean> ids;

    SettledSessions(int remembered) {
        this.ids = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
    }

    boolean contains(String sessionId) {
        return ids.containsKey(sessionId);
    }

    void add(String sessionId) {
        ids.put(sessionId, Boolean.TRUE);
    }
}
