package com.emogg.platform.http;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * No API request waits forever: one that has no answer after {@code EMOGG_HTTP_REQUEST_DEADLINE}
 * (plus a minute for a {@code ?wait=}) gets a 503 with {@code Retry-After}, as when the database is
 * away. The bounded waits on the database (connect, pool, read timeout) answer first; this is the
 * net under them, for whatever else a network partition leaves hanging. (The crash matrix saw 3 of
 * about 100 requests to a replica cut off from PostgreSQL hang until their clients gave up.) The
 * outcome of such a request is unknown to its client, as with any 503: a stop it asked for may
 * still commit, and its retry then gets a 400.
 */
@ApplicationScoped
public class RequestDeadline {

    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);
    /** The longest {@code ?wait=} the API accepts. */
    private static final long LONGEST_WAIT_MILLIS = Duration.ofMinutes(1).toMillis();

    private final long deadlineMillis;

    public RequestDeadline(@ConfigProperty(name = "emogg.http.request-deadline", defaultValue = "PT40S") Duration deadline) {
        this.deadlineMillis = deadline.toMillis();
    }

    void route(@Observes Router router, Vertx vertx) {
        router.routeWithRegex("^/(v1|admin)(/.*)?$").order(Integer.MIN_VALUE + 1).handler(context -> {
            String query = context.request().query();
            long deadline = deadlineMillis + (query != null && query.contains("wait=") ? LONGEST_WAIT_MILLIS : 0);
            HttpServerResponse response = context.response();
            long timer = vertx.setTimer(deadline, id -> {
                if (!response.ended() && !response.headWritten() && !response.closed()) {
                    LOG.warnf("%s %s had no answer after %d ms: 503", context.request().method(), context.normalizedPath(), deadline);
                    response.setStatusCode(503).putHeader("Retry-After", "2").putHeader("Content-Type", "application/json")
                            .end(Json.encode(ErrorBody.of(503, "The service is temporarily unavailable, retry shortly")));
                }
            });
            context.addEndHandler(ended -> vertx.cancelTimer(timer));
            context.next();
        });
    }
}
