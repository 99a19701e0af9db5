package com.emogg.platform.idempotency;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** A response kept as bytes, so it can be given again exactly as it was. */
public record Replayable(int status, String contentType, byte[] body, String location) {

    public Response toResponse() {
        Response.ResponseBuilder response = Response.status(status).entity(body);
        if (contentType != null) {
            response.header(HttpHeaders.CONTENT_TYPE, contentType);
        }
        if (location != null) {
            response.header(HttpHeaders.LOCATION, location);
        }
        return response.build();
    }
}
