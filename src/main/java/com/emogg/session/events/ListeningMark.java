package com.emogg.session.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Written by every api replica into each partition of {@code worker-states} and applied by the api's
 * own consumer: once applied, every report written to that partition before {@code at} has been
 * applied too. Workers never see it; it only tells the reconciler how current its view of the workers is.
 */
@JsonPropertyOrder({"schemaVersion", "partition", "at"})
public record ListeningMark(int schemaVersion, int partition, String at) {

    public static final String TYPE = "ListeningMark";
    public static final int SCHEMA_VERSION = 1;
}
