package com.emogg.platform.auth;

import jakarta.validation.constraints.Pattern;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.emogg.platform.ObjectIds;
import com.emogg.platform.http.ApiException;
import com.emogg.platform.http.RequestBodies;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.smallrye.mutiny.Uni;

/** Operators' API for tokens, behind the admin token (see {@link BearerAuthentication}). */
@Path("/admin/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tokens")
public class TokenAdminResource {

    /** No body is a request for a new user of a new product. */
    private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

    private final TokenService tokens;
    private final Authenticator authenticator;
    private final RequestBodies bodies;

    public TokenAdminResource(TokenService tokens, Authenticator authenticator, RequestBodies bodies) {
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.bodies = bodies;
    }

    /** The body of the issue: an existing or new user, in a product. */
    @Schema(name = "TokenRequest", example = "{\"user\": \"65ea14f0bb50af72b6e3dc10\"}")
    public record TokenRequest(
            @Pattern(regexp = ObjectIds.PATTERN, message = "must be a 24-character lowercase hex id") String user,
            @Pattern(regexp = ObjectIds.PATTERN, message = "must be a 24-character lowercase hex id") String product) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a token", description = "For a user (created when new) of a product; both generated when absent. "
            + "The token is shown only in this response; only its hash is stored.")
    @APIResponse(responseCode = "201", description = "{id, token, user, product}",
            content = @Content(schema = @Schema(implementation = TokenService.IssuedToken.class)))
    @APIResponse(responseCode = "400", description = "A bad user or product id, or an unknown field")
    @APIResponse(responseCode = "409", description = "The user belongs to another product")
    public Uni<Response> issue(@RequestBody(content = @Content(schema = @Schema(implementation = TokenRequest.class))) JsonNode body) {
        TokenRequest request = bodies.read(body, TokenRequest.class, EMPTY);
        return tokens.issue(request.user(), request.product()).map(issued -> Response.status(201).entity(issued).build());
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke a token", description = "Refused on the very next request, on every replica. Revoking twice is fine.")
    @APIResponse(responseCode = "204", description = "Revoked")
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
}
