package com.emogg.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A watermark the api writes into each partition of {@code worker-states}, and its own consumer
 * applies: once applied, every worker report written to that partition before {@code at} has been
 * applied too. Workers never see it; it tells the reconciler up to when its view of the workers is
 * current. Its {@code ce_type} is {@code ListeningMark}, the name it had when the first replicas
 * shipped: replicas of different versions must understand each other's marks.
 */
@JsonPropertyOrder({"schemaVersion", "partition", "at"})
public record ReportWatermark(int schemaVersion, int partition, String at) {

    public static final String TYPE = "ListeningMark";
    public static final int SCHEMA_VERSION = 1;
}
