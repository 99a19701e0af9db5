package com.emogg.system;

import java.util.Map;

/** One record read back from a topic, headers as strings. */
record KafkaRecord(String topic, int partition, long offset, String key, String value, Map<String, String> headers) {

    String header(String name) {
        return headers.get(name);
    }

    String ceId() {
        return header("ce_id");
    }

    String ceType() {
        return header("ce_type");
    }

    /** Written by the test itself (duplicates, stale reports, poison), not by the application. */
    boolean injected() {
        return headers.containsKey(Topics.INJECTED_HEADER);
    }
}
