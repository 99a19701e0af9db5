package com.emogg.session.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.emogg.contract.WorkerState;
import com.emogg.platform.Dates;
import com.emogg.session.Session;
import com.emogg.session.SessionState;
import com.emogg.session.SessionType;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The Session object of the Emogg API, field by field. The stream URI is not part of it. */
@Schema(name = "Session", example = """
        {"_id": "65ea1530bb50af72b6e3dc1e", "name": "Lobby camera", "type": "live_analysis", "state": "active",
         "timestamp": "2024-04-01T10:30:00.000Z", "duration": 12.345, "config": {"removeMedia": false},
         "sources": [{"id": "0b5e2c1e-2f0a-4a43-9b25-6d1d2f9a8c11", "name": "camera.example", "type": "video", "device": "stream"}],
         "meta": {"expires": "2024-04-02T10:30:00.000Z", "healthCheck": "2024-04-01T10:30:10.120Z", "workerState": "working"},
         "product": "65ea14f0bb50af72b6e3dc11", "user": "65ea14f0bb50af72b6e3dc10", "version": 3}""")
@JsonPropertyOrder({"_id", "name", "type", "state", "timestamp", "duration", "config", "sources", "meta", "product", "user", "version"})
// written by hand too (responses kept for Idempotency-Key): a native image must keep it reflectable
@RegisterForReflection(targets = {SessionView.class, SessionView.Config.class, SessionView.Source.class, SessionView.Meta.class})
public record SessionView(
        @JsonProperty("_id") @Schema(description = "24 lowercase hex characters", pattern = "^[0-9a-f]{24}$") String id,
        String name,
        SessionType type,
        SessionState state,
        String timestamp,
        @Schema(description = "Seconds, ms precision: while active up to now, once finished frozen") BigDecimal duration,
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
                session.id(),
                session.name(),
                session.type(),
                session.state(),
                Dates.format(session.createdAt()),
                BigDecimal.valueOf(session.duration(now).toMillis(), 3),
                new Config(session.removeMedia()),
                List.of(new Source(session.sourceId().toString(), session.sourceName(), "video", "stream")),
                new Meta(Dates.format(session.expiresAt()), Dates.format(session.healthCheckAt()), session.workerState()),
                session.productId(),
                session.userId(),
                SCHEMA_VERSION);
    }
}
