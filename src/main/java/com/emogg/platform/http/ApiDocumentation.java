package com.emogg.platform.http;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The OpenAPI document's frame (served at /q/openapi, browsable at /q/swagger-ui). */
@OpenAPIDefinition(
        info = @Info(title = "Emogg sessions API", version = "1.0.0", description = """
                Live emotion-analysis sessions: create, list, get, rename, stop and delete them, and follow their \
                worker's state. Every /v1 request carries `Authorization: Bearer <token>`. Errors have the body \
                {"error": true, "status": n, "message": "..."}; every authenticated response carries the RateLimit-* \
                headers. The real-time API is a WebSocket at /ws/v1 (see the README)."""),
        security = @SecurityRequirement(name = "bearer"),
        components = @Components(schemas = @Schema(name = "Error", implementation = ErrorBody.class)),
        tags = {
                @Tag(name = "Sessions", description = "The sessions of the caller"),
                @Tag(name = "Tokens", description = "Operators' administration of API tokens (admin token)")})
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API token (user endpoints) or the admin token (/admin endpoints)")
public class ApiDocumentation extends Application {
}
