package com.emogg.platform.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.emogg.platform.runtime.Role;

import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * A worker serves health and metrics only: its {@code /v1}, {@code /admin} and {@code /ws} requests
 * get a 404 before they reach the REST or WebSocket endpoints, whose beans (and their database) a
 * worker never creates.
 */
@ApplicationScoped
public class RoleRoutes {

    void route(@Observes Router router, Role role) {
        if (role.servesApi()) {
            return;
        }
        router.routeWithRegex("^/(v1|admin|ws)(/.*)?$").order(Integer.MIN_VALUE).handler(context -> context.response().setStatusCode(404)
                .putHeader("Content-Type", "application/json").end(Json.encode(ErrorBody.of(404, "Not found"))));
    }
}
