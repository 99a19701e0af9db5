package com.emogg.auth;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponses;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.emogg.common.ObjectIds;
import com.emogg.web.ApiException;
import com.emogg.web.ErrorBody;
import com.emogg.web.JsonBodies;
import com.emogg.web.Validation;
import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/** Operators' API for tokens, behind the admin token (see {@link BearerAuthentication}). */
@Path("/admin/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tokens")
public class TokenAdminResource {

    private final TokenService tokens;
    private final Authenticator authenticator;

    public TokenAdminResource(TokenService tokens, Authenticator authenticator) {
        this.tokens = tokens;
        this.authenticator = authenticator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a token", description = "For a user (created when new) of a product; both generated when absent. "
            + "The token is shown only in this response; only its hash is stored.")
    @APIResponses({
            @APIResponse(responseCode = "201", description = "{id, token, user, product}",
                    content = @Content(schema = @Schema(implementation = TokenService.IssuedToken.class))),
            @APIResponse(responseCode = "400", description = "A bad user or product id, or an unknown field",
                    content = @Content(schema = @Schema(implementation = ErrorBody.class))),
            @APIResponse(responseCode = "401", description = "Not the admin token", content = @Content(schema = @Schema(implementation = ErrorBody.class))),
            @APIResponse(responseCode = "409", description = "The user belongs to another product",
                    content = @Content(schema = @Schema(implementation = ErrorBody.class)))})
    public Uni<Response> issue(@RequestBody(content = @Content(example = "{\"user\": \"65ea14f0bb50af72b6e3dc10\"}")) JsonNode body) {
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
    @Operation(summary = "Revoke a token", description = "Refused on the very next request, on every replica. Revoking twice is fine.")
    @APIResponses({
            @APIResponse(responseCode = "204", description = "Revoked"),
            @APIResponse(responseCode = "401", description = "Not the admin token", content = @Content(schema = @Schema(implementation = ErrorBody.class))),
            @APIResponse(responseCode = "404", description = "No such token", content = @Content(schema = @Schema(implementation = ErrorBody.class)))})
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
