package com.emogg.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memory of ids, the oldest forgotten first. A worker has no database and must not grow
 * with history, and what each memory protects against comes soon after what it remembers:
 * <ul>
 * <li>the {@code ce_id}s of the commands the worker acted on, so a duplicate (a relay's retry) is
 * ignored; a command replayed from the start of a partition is the catch-up's to judge;</li>
 * <li>the sessions whose tombstone ({@code SessionSettled}) it read: it forgets their commands, but
 * not that they are over, so a start that comes later is ignored (a relay that sends a start again
 * sends the stop and the tombstone that followed it again too).</li>
 * </ul>
 */
final class RecentIds {

    private final Map<String, Boolean> ids;

    RecentIds(int remembered) {
        this.ids = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
    }

    boolean contains(String id) {
        return ids.containsKey(id);
    }

    void add(String id) {
        ids.put(id, Boolean.TRUE);
    }
}
