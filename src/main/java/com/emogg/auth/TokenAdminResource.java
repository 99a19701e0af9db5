package com.emogg.auth;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.emogg.common.ObjectIds;
import com.emogg.web.ApiException;
import com.emogg.web.JsonBodies;
import com.emogg.web.Validation;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** Operators' API for tokens, behind the admin token (see {@link BearerAuthentication}). */
@Path("/admin/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenAdminResource {

    private final TokenService tokens;
    private final Authenticator authenticator;

    public TokenAdminResource(TokenService tokens, Authenticator authenticator) {
        this.tokens = tokens;
        this.authenticator = authenticator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> issue(JsonNode body) {
        JsonNode request = body == null || body.isNull() ? JsonBodies.emptyObject() : body;
        Validation validation = new Validation();
        JsonBodies.requireObject(request);
        JsonBodies.rejectUnknown(request, validation, "user", "product");
        String user = optionalId(request, "user", validation);
        String product = optionalId(request, "product", validation);
        validation.throwIfInvalid();
        return tokens.issue(user, product).map(issued -> Response.status(201).entity(issued).build());
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> revoke(@PathParam("id") String id) {
        if (!ObjectIds.isValid(id)) {
            return Uni.createFrom().failure(ApiException.notFound("Token not found"));
        }
        return tokens.revoke(id).map(hash -> {
            if (hash == null) {
                throw ApiException.notFound("Token not found");
            }
            // committed: this replica forgets it now, the others when the NOTIFY reaches them
            authenticator.evict(hash);
            return Response.noContent().build();
        });
    }

    private static String optionalId(JsonNode request, String field, Validation validation) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !ObjectIds.isValid(value.textValue())) {
            validation.reject(field, "must be a 24-character lowercase hex id");
            return null;
        }
        return value.textValue();
    }
}
