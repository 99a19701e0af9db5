package com.emogg.platform.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * A body announced over {@code quarkus.http.limits.max-body-size} is refused before it is read,
 * with the Emogg error body (the HTTP layer's own refusal has none).
 */
@ApplicationScoped
public class TooLargeBodies {

    private final long limit;

    public TooLargeBodies(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void route(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String length = context.request().getHeader("Content-Length");
            if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19 && Long.parseLong(length) > limit) {
                context.response().setStatusCode(413).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                        .end(Json.encode(ErrorBody.of(413, "The request body is too large: at most " + limit / 1024 + " KiB")));
            } else {
                context.next();
            }
        });
    }
}
