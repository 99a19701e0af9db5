package com.emogg.session.api;

import java.net.URI;
import java.time.Clock;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.emogg.auth.Caller;
import com.emogg.auth.CurrentCaller;
import com.emogg.common.Dates;
import com.emogg.session.Session;
import com.emogg.session.SessionService;
import com.emogg.session.SessionWaits;
import com.emogg.web.IdempotentRequests;
import com.emogg.web.Replayable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/** The sessions API of the Emogg contract ({@code /v1/sessions}). */
@Path("/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService sessions;
    private final SessionWaits waits;
    private final IdempotentRequests idempotency;
    private final CurrentCaller caller;
    private final ObjectMapper json;
    private final Clock clock;

    public SessionResource(SessionService sessions, SessionWaits waits, IdempotentRequests idempotency, CurrentCaller caller,
            ObjectMapper json, Clock clock) {
        this.sessions = sessions;
        this.waits = waits;
        this.idempotency = idempotency;
        this.caller = caller;
        this.json = json;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body, @HeaderParam(IdempotentRequests.HEADER) String key) {
        Caller who = caller.get();
        var request = SessionRequests.create(body);
        if (key == null) {
            return sessions.create(who, request).map(this::created).map(Replayable::toResponse);
        }
        return idempotency.run(who.userId(), IdempotentRequests.validKey(key),
                IdempotentRequests.requestHash("POST", "/v1/sessions", body.toString()),
                connection -> sessions.create(connection, who, request).map(this::created),
                first -> Uni.createFrom().item(first))
                .map(Replayable::toResponse);
    }

    @GET
    public Uni<Page<SessionView>> list(@Context UriInfo uri) {
        ListQuery query = ListQuery.parse(uri.getQueryParameters());
        return sessions.list(caller.get(), query.filter(), query.offset(), query.limit() + 1).map(found -> {
            boolean hasMore = found.size() > query.limit();
            List<SessionView> data = found.stream().limit(query.limit()).map(this::view).toList();
            return new Page<>(hasMore, query.offset(), query.limit(), data);
        });
    }

    @GET
    @Path("{id}")
    public Uni<SessionView> get(@PathParam("id") String id, @Context UriInfo uri) {
        WaitQuery wait = WaitQuery.parse(uri.getQueryParameters());
        Caller who = caller.get();
        Uni<Session> session = wait == null ? sessions.get(who, id) : waits.until(who, id, wait.state(), wait.timeout());
        return session.map(this::view);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Uni<SessionView> rename(@PathParam("id") String id, JsonNode body) {
        return sessions.rename(caller.get(), id, SessionRequests.rename(body)).map(this::view);
    }

    /** The stop; with {@code ?wait=stopped} it answers once the worker confirmed (or at the timeout). */
    @POST
    @Path("{id}/stop")
    public Uni<Response> stop(@PathParam("id") String id, @HeaderParam(IdempotentRequests.HEADER) String key,
            @Context UriInfo uri) {
        WaitQuery wait = WaitQuery.parse(uri.getQueryParameters());
        Caller who = caller.get();
        if (key == null) {
            return sessions.stop(who, id)
                    .chain(stopped -> wait == null ? Uni.createFrom().item(stopped) : waits.until(who, id, wait.state(), wait.timeout()))
                    .map(this::ok).map(Replayable::toResponse);
        }
        return idempotency.run(who.userId(), IdempotentRequests.validKey(key),
                IdempotentRequests.requestHash("POST", "/v1/sessions/" + id + "/stop", ""),
                connection -> sessions.stop(connection, who, id).map(this::ok),
                first -> wait == null || first.status() != 200 ? Uni.createFrom().item(first)
                        : waits.until(who, id, wait.state(), wait.timeout()).map(this::ok))
                .map(Replayable::toResponse);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return sessions.delete(caller.get(), id).map(deleted -> Response.noContent().build());
    }

    private Replayable created(Session session) {
        return new Replayable(201, MediaType.APPLICATION_JSON, bytes(view(session)), "/v1/sessions/" + session.id);
    }

    private Replayable ok(Session session) {
        return new Replayable(200, MediaType.APPLICATION_JSON, bytes(view(session)), null);
    }

    private byte[] bytes(SessionView view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a session that cannot be written as JSON is a bug", e);
        }
    }

    private SessionView view(Session session) {
        return SessionView.of(session, Dates.now(clock));
    }
}
