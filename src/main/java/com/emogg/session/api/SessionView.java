package com.emogg.session.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.emogg.common.Dates;
import com.emogg.session.Session;
import com.emogg.session.SessionState;
import com.emogg.session.SessionType;
import com.emogg.session.WorkerState;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The Session object of the Emogg API, field by field. The stream URI is not part of it. */
@JsonPropertyOrder({"_id", "name", "type", "state", "timestamp", "duration", "config", "sources", "meta", "product", "user", "version"})
public record SessionView(
        @JsonProperty("_id") String id,
        String name,
        SessionType type,
        SessionState state,
        String timestamp,
        BigDecimal duration,
        Config config,
        List<Source> sources,
        Meta meta,
        String product,
        String user,
        int version) {

    /** The version of this object's schema in the Emogg API. */
    public static final int SCHEMA_VERSION = 3;

    public record Config(boolean removeMedia) {
    }

    public record Source(String id, String name, String type, String device) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Meta(String expires, String healthCheck, WorkerState workerState) {
    }

    public static SessionView of(Session session, Instant now) {
        return new SessionView(
                session.id,
                session.name,
                session.type,
                session.state,
                Dates.format(session.createdAt),
                BigDecimal.valueOf(session.duration(now).toMillis(), 3),
                new Config(session.removeMedia),
                List.of(new Source(session.sourceId.toString(), session.sourceName, "video", "stream")),
                new Meta(Dates.format(session.expiresAt), Dates.format(session.healthCheckAt), session.workerState),
                session.productId,
                session.userId,
                SCHEMA_VERSION);
    }
}
