package com.emogg.platform.http;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents once what every operation of the API shares, instead of on each: a 401 on every
 * authenticated one, a 429 on the user API (the rate limit), a 404 where the path names a resource
 * by id, and the Emogg error body on every 4xx and 5xx. (Registered with {@code mp.openapi.filter}.)
 */
public class StandardResponses implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openApi.getPaths().getPathItems().entrySet()) {
            boolean user = path.getKey().startsWith("/v1/");
            boolean admin = path.getKey().startsWith("/admin/");
            boolean byId = path.getKey().contains("{id}");
            for (Operation operation : path.getValue().getOperations().values()) {
                if (user || admin) {
                    add(operation, "401", admin ? "Not the admin token" : "No valid token");
                }
                if (user) {
                    add(operation, "429", "Rate limit: the user's bucket is empty (see Retry-After)");
                }
                if ((user || admin) && byId) {
                    add(operation, "404", admin ? "No such token" : "No such session (or not the caller's)");
                }
                operation.getResponses().getAPIResponses().forEach((code, response) -> {
                    if ((code.startsWith("4") || code.startsWith("5")) && response.getContent() == null) {
                        response.setContent(OASFactory.createContent().addMediaType("application/json",
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Error"))));
                    }
                });
            }
        }
    }

    private static void add(Operation operation, String code, String description) {
        if (!operation.getResponses().hasAPIResponse(code)) {
            APIResponse response = OASFactory.createAPIResponse().description(description);
            operation.getResponses().addAPIResponse(code, response);
        }
    }
}
