package com.emogg.session.api;

import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.emogg.platform.Dates;
import com.emogg.platform.http.ApiException;
import com.emogg.platform.http.ErrorBody;
import com.emogg.platform.http.ErrorMappers;
import com.emogg.platform.idempotency.Replayable;
import com.emogg.platform.idempotency.Responses;
import com.emogg.session.Session;
import com.emogg.session.SessionRefused;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * The HTTP answers of the sessions API: a session as its response (kept as bytes, so an
 * {@code Idempotency-Key} retry gets it again exactly), and each refusal of the service with its
 * status of the contract (404 for a missing or foreign session, 400 for the others).
 */
@ApplicationScoped
public class SessionResponses {

    private final ObjectMapper json;
    private final Clock clock;

    public SessionResponses(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    Replayable created(Session session) {
        return created(session, Dates.now(clock));
    }

    Replayable created(Session session, Instant at) {
        return new Replayable(201, MediaType.APPLICATION_JSON, bytes(SessionView.of(session, at)), "/v1/sessions/" + session.id());
    }

    Replayable ok(Session session) {
        return ok(session, Dates.now(clock));
    }

    Replayable ok(Session session, Instant at) {
        return new Replayable(200, MediaType.APPLICATION_JSON, bytes(SessionView.of(session, at)), null);
    }

    /** What a create made with an {@code Idempotency-Key} records. */
    Responses<Session> creation() {
        return responses(this::created, committed -> Uni.createFrom().item(committed));
    }

    /** What a stop made with an {@code Idempotency-Key} records. */
    Responses<Session> outcome() {
        return responses(this::ok, committed -> Uni.createFrom().item(committed));
    }

    /** As {@link #outcome()}, the answer given (and recorded) once {@code then} completed after the commit: a wait. */
    Responses<Session> outcome(Function<Session, Uni<Session>> then) {
        return responses(this::ok, then);
    }

    private Responses<Session> responses(BiFunction<Session, Instant, Replayable> success, Function<Session, Uni<Session>> then) {
        return new Responses<>() {
            @Override
            public Replayable of(Session result, Instant at) {
                return success.apply(result, at);
            }

            @Override
            public Replayable ofFailure(Throwable failure) {
                if (failure instanceof SessionRefused refused) {
                    return error(status(refused), refused.getMessage());
                }
                return failure instanceof ApiException api && api.status() < 500 ? error(api.status(), api.getMessage()) : null;
            }

            @Override
            public Uni<Session> afterCommit(Session committed) {
                return then.apply(committed);
            }
        };
    }

    @ServerExceptionMapper
    public Response refused(SessionRefused refused) {
        return ErrorMappers.respond(status(refused), ErrorBody.of(status(refused), refused.getMessage()));
    }

    static int status(SessionRefused refused) {
        return refused instanceof SessionRefused.NotFound ? 404 : 400;
    }

    private Replayable error(int status, String message) {
        return new Replayable(status, MediaType.APPLICATION_JSON, bytes(ErrorBody.of(status, message)), null);
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response that cannot be written as JSON is a bug", e);
        }
    }
}
