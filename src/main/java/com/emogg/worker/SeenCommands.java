package com.emogg.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids ({@code ce_id}) of the commands a worker has acted on, so a duplicate is ignored. Bounded:
 * a worker has no database, and a duplicate arrives soon after its original (a relay retry) or is
 * replayed from the start of a partition, where the catch-up, not this memory, decides.
 */
final class SeenCommands {

    private final Map<String, Boolean> ids;

    SeenCommands(int remembered) {
        this.ids = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
    }

    boolean contains(String eventId) {
        return ids.containsKey(eventId);
    }

    void add(String eventId) {
        ids.put(eventId, Boolean.TRUE);
    }
}
