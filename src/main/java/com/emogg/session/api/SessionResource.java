package com.emogg.session.api;

import java.net.URI;
import java.time.Clock;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.emogg.auth.CurrentCaller;
import com.emogg.common.Dates;
import com.emogg.session.Session;
import com.emogg.session.SessionService;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** The sessions API of the Emogg contract ({@code /v1/sessions}). */
@Path("/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService sessions;
    private final CurrentCaller caller;
    private final Clock clock;

    public SessionResource(SessionService sessions, CurrentCaller caller, Clock clock) {
        this.sessions = sessions;
        this.caller = caller;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body) {
        return sessions.create(caller.get(), SessionRequests.create(body))
                .map(session -> Response.created(URI.create("/v1/sessions/" + session.id)).entity(view(session)).build());
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
    public Uni<SessionView> get(@PathParam("id") String id) {
        return sessions.get(caller.get(), id).map(this::view);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Uni<SessionView> rename(@PathParam("id") String id, JsonNode body) {
        return sessions.rename(caller.get(), id, SessionRequests.rename(body)).map(this::view);
    }

    @POST
    @Path("{id}/stop")
    public Uni<SessionView> stop(@PathParam("id") String id) {
        return sessions.stop(caller.get(), id).map(this::view);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return sessions.delete(caller.get(), id).map(deleted -> Response.noContent().build());
    }

    private SessionView view(Session session) {
        return SessionView.of(session, Dates.now(clock));
    }
}
