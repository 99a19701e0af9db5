package com.emogg.platform.http;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.emogg.platform.database.Unavailability;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Turns every failure into the Emogg error body. Client mistakes keep their 4xx status with a
 * message written for the client; anything else is a 500 whose details stay in the log, never in
 * the response (no class names, SQL or stack traces).
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    private static final String INVALID_JSON = "The request body is not valid JSON";

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.status(), e.body());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(400, ErrorBody.of(400, INVALID_JSON));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 400 && causedByJson(e)) {
            return respond(400, ErrorBody.of(400, INVALID_JSON));
        }
        Response.ResponseBuilder response = builder(status, ErrorBody.of(status, messageFor(e, status)));
        if (e instanceof NotAllowedException) {
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            if (allow != null) {
                response.header(HttpHeaders.ALLOW, allow);
            }
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        // a client's mistake wrapped by a framework is still the client's mistake
        if (causedByJson(e)) {
            return respond(400, ErrorBody.of(400, INVALID_JSON));
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                return api(api);
            }
        }
        if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("already been written")) {
            // RequestDeadline answered first (a 503): the late answer has nowhere to go
            LOG.debugf("an answer came after the request's deadline had answered it");
            return respond(503, ErrorBody.of(503, "The service is temporarily unavailable, retry shortly"));
        }
        if (Unavailability.databaseAway(e)) {
            LOG.warnf("the database is not available: %s", e.getClass().getSimpleName());
            return builder(503, ErrorBody.of(503, "The service is temporarily unavailable, retry shortly"))
                    .header(HttpHeaders.RETRY_AFTER, 2).build();
        }
        // only the exception's type and stack: messages of database drivers can quote parameters
        LOG.error("Unexpected failure while serving a request", redacted(e));
        return respond(500, ErrorBody.of(500, "Internal server error"));
    }

    /** The same failure without its messages, which may quote request values (a stream URI, a token hash). */
    private static Throwable redacted(Throwable e) {
        Throwable copy = new Throwable(e instanceof io.vertx.pgclient.PgException pg
                ? e.getClass().getName() + " SQLSTATE " + pg.getSqlState()
                : e.getClass().getName());
        copy.setStackTrace(e.getStackTrace());
        if (e.getCause() != null && e.getCause() != e) {
            copy.initCause(redacted(e.getCause()));
        }
        return copy;
    }

    private static boolean causedByJson(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    private static String messageFor(WebApplicationException e, int status) {
        if (e instanceof NotSupportedException) {
            return "The request body must be application/json";
        }
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "This endpoint only produces application/json";
            case 413 -> "The request body is too large";
            case 415 -> "The request body must be application/json";
            default -> status >= 500 ? "Internal server error" : Response.Status.fromStatusCode(status) == null
                    ? "Request failed" : Response.Status.fromStatusCode(status).getReasonPhrase();
        };
    }

    public static Response respond(int status, ErrorBody body) {
        return builder(status, body).build();
    }

    private static Response.ResponseBuilder builder(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }
}
