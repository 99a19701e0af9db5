package com.emogg.session.api;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameters;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.emogg.platform.Dates;
import com.emogg.platform.auth.Caller;
import com.emogg.platform.auth.CurrentCaller;
import com.emogg.platform.http.RequestBodies;
import com.emogg.platform.idempotency.IdempotentRequest;
import com.emogg.platform.idempotency.Replayable;
import com.emogg.session.Session;
import com.emogg.session.SessionService;
import com.emogg.session.SessionWaits;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * The sessions API of the Emogg contract ({@code /v1/sessions}): reads the request, asks
 * {@link SessionService}, writes the answer. The responses every authenticated operation shares
 * (401, 404 of a path with an id, 429) are documented once, by {@code StandardResponses}.
 */
@Path("/v1/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sessions")
public class SessionResource {

    private static final String WAIT = "A worker state to wait for (answers when reached, passed or terminal)";
    private static final String TIMEOUT = "How long to wait at most: 10s, 1500ms, PT10S (max 60 s, default 10 s)";
    private static final String KEY = "Replays the first response to a retry of the same request (kept 24 h)";

    private final SessionService sessions;
    private final SessionWaits waits;
    private final SessionResponses responses;
    private final RequestBodies bodies;
    private final CurrentCaller caller;
    private final Clock clock;

    public SessionResource(SessionService sessions, SessionWaits waits, SessionResponses responses, RequestBodies bodies,
            CurrentCaller caller, Clock clock) {
        this.sessions = sessions;
        this.waits = waits;
        this.responses = responses;
        this.bodies = bodies;
        this.caller = caller;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a session", description = "Records the session and the command that starts its worker, atomically.")
    @APIResponse(responseCode = "201", description = "The new session; Location gives its URL",
            content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "400", description = "A bad body: every problem is listed in errors")
    @APIResponse(responseCode = "409", description = "Idempotency-Key: the first request with this key is still running")
    @APIResponse(responseCode = "415", description = "The body is not application/json")
    @APIResponse(responseCode = "422", description = "Idempotency-Key: already used for another request")
    public Uni<Response> create(@RequestBody(required = true, content = @Content(schema = @Schema(implementation = CreateSessionRequest.class)))
            JsonNode body, @Parameter(name = IdempotentRequest.HEADER, in = ParameterIn.HEADER, description = KEY)
            @HeaderParam(IdempotentRequest.HEADER) String key) {
        Caller who = caller.get();
        var request = bodies.read(body, CreateSessionRequest.class).toNewSession();
        if (key == null) {
            return sessions.create(who, request).map(responses::created).map(Replayable::toResponse);
        }
        return sessions.create(who, request, IdempotentRequest.of(who.userId(), key, "POST", "/v1/sessions", body.toString(),
                responses.creation())).map(Replayable::toResponse);
    }

    @GET
    @Operation(summary = "List the caller's sessions", description = "Newest first by timestamp; from is inclusive, to exclusive.")
    @Parameters({
            @Parameter(name = "state", in = ParameterIn.QUERY, description = "active or finished"),
            @Parameter(name = "type", in = ParameterIn.QUERY, description = "live_analysis"),
            @Parameter(name = "from", in = ParameterIn.QUERY, description = "ISO-8601 (UTC or with offset) or Unix milliseconds"),
            @Parameter(name = "to", in = ParameterIn.QUERY, description = "ISO-8601 (UTC or with offset) or Unix milliseconds"),
            @Parameter(name = "limit", in = ParameterIn.QUERY, description = "1 to 100, default 10"),
            @Parameter(name = "offset", in = ParameterIn.QUERY, description = ">= 0, default 0")})
    @APIResponse(responseCode = "200", description = "{hasMore, offset, limit, data}")
    @APIResponse(responseCode = "400", description = "A bad query parameter")
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
    @Operation(summary = "Get a session", description = "With ?wait=, answers once the worker state is reached, or at the timeout.")
    @Parameters({
            @Parameter(name = "wait", in = ParameterIn.QUERY, description = WAIT),
            @Parameter(name = "timeout", in = ParameterIn.QUERY, description = TIMEOUT)})
    @APIResponse(responseCode = "200", description = "The session", content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "400", description = "A bad wait or timeout")
    public Uni<SessionView> get(@PathParam("id") String id, @Context UriInfo uri) {
        WaitQuery wait = WaitQuery.parse(uri.getQueryParameters());
        Caller who = caller.get();
        Uni<Session> session = wait == null ? sessions.get(who, id) : waits.until(who, id, wait.state(), wait.timeout());
        return session.map(this::view);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Operation(summary = "Rename a session", description = "Only name is writable; any other field is a 400.")
    @APIResponse(responseCode = "200", description = "The renamed session",
            content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "400", description = "A bad body: every problem is listed in errors")
    @APIResponse(responseCode = "415", description = "The body is not application/json")
    public Uni<SessionView> rename(@PathParam("id") String id,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = RenameSessionRequest.class))) JsonNode body) {
        return sessions.rename(caller.get(), id, bodies.read(body, RenameSessionRequest.class).name()).map(this::view);
    }

    /** The stop; with {@code ?wait=stopped} it answers once the worker confirmed (or at the timeout). */
    @POST
    @Path("{id}/stop")
    @Operation(summary = "Stop a session", description = "Atomically finishes the session and records the command that stops its "
            + "worker (published to Kafka after commit). Of concurrent stops exactly one gets 200.")
    @Parameters({
            @Parameter(name = "wait", in = ParameterIn.QUERY, description = WAIT),
            @Parameter(name = "timeout", in = ParameterIn.QUERY, description = TIMEOUT)})
    @APIResponse(responseCode = "200", description = "The stopped session: state finished, meta.workerState stopping (or stopped)",
            content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "400", description = "The session is not active (or a bad wait or timeout)")
    @APIResponse(responseCode = "409", description = "Idempotency-Key: the first request with this key is still running")
    @APIResponse(responseCode = "422", description = "Idempotency-Key: already used for another request")
    public Uni<Response> stop(@PathParam("id") String id, @Parameter(name = IdempotentRequest.HEADER, in = ParameterIn.HEADER,
            description = KEY) @HeaderParam(IdempotentRequest.HEADER) String key, @Context UriInfo uri) {
        WaitQuery wait = WaitQuery.parse(uri.getQueryParameters());
        Caller who = caller.get();
        if (key == null) {
            return sessions.stop(who, id)
                    .chain(stopped -> wait == null ? Uni.createFrom().item(stopped) : waits.until(who, id, wait.state(), wait.timeout()))
                    .map(responses::ok).map(Replayable::toResponse);
        }
        return sessions.stop(who, id, IdempotentRequest.of(who.userId(), key, "POST", "/v1/sessions/" + id + "/stop", "",
                wait == null ? responses.outcome() : responses.outcome(stopped -> waits.until(who, id, wait.state(), wait.timeout()))))
                .map(Replayable::toResponse);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a session", description = "Only a session that is neither active nor processing.")
    @APIResponse(responseCode = "204", description = "Deleted; no body")
    @APIResponse(responseCode = "400", description = "The session is active or processing")
    public Uni<Response> delete(@PathParam("id") String id) {
        return sessions.delete(caller.get(), id).map(deleted -> Response.noContent().build());
    }

    private SessionView view(Session session) {
        return SessionView.of(session, Dates.now(clock));
    }
}
