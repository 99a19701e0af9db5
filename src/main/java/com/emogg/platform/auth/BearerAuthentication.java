package com.emogg.platform.auth;

import java.util.Optional;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import com.emogg.platform.http.ErrorBody;
import com.emogg.platform.ratelimit.Quota;
import com.emogg.platform.ratelimit.RateLimiter;

import io.smallrye.mutiny.Uni;

/**
 * {@code Authorization: Bearer <token>} on every {@code /v1} request (a user token) and every
 * {@code /admin} request (the operators' admin token from configuration), then the caller's rate
 * limit. Runs after routing, so an unknown path is a 404 whatever the token.
 */
public class BearerAuthentication {

    private static final String SCHEME = "Bearer ";

    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final CurrentCaller currentCaller;
    private final Optional<String> adminToken;

    public BearerAuthentication(Authenticator authenticator, RateLimiter rateLimiter, CurrentCaller currentCaller,
            @ConfigProperty(name = "emogg.admin-token") Optional<String> adminToken) {
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.currentCaller = currentCaller;
        this.adminToken = adminToken.filter(token -> !token.isBlank());
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean admin = path.startsWith("/admin/");
        boolean user = path.startsWith("/v1/") || path.equals("/v1");
        if (admin) {
            String token = bearer(request);
            boolean valid = token != null && adminToken.map(expected -> Tokens.matches(token, expected)).orElse(false);
            return Uni.createFrom().item(valid ? null : unauthorized("A valid admin token is required"));
        }
        if (!user) {
            return Uni.createFrom().nullItem();
        }
        String token = bearer(request);
        if (token == null) {
            return Uni.createFrom().item(unauthorized("A bearer token is required"));
        }
        return authenticator.authenticate(token).chain(caller -> {
            if (caller == null) {
                return Uni.createFrom().item(unauthorized("The token is invalid or revoked"));
            }
            currentCaller.set(caller);
            if (!rateLimiter.enabled()) {
                return Uni.createFrom().nullItem();
            }
            return rateLimiter.take(caller.userId()).map(quota -> {
                currentCaller.quota(quota);
                return quota.allowed() ? null : tooManyRequests(quota);
            });
        });
    }

    private static String bearer(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= SCHEME.length()
                || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = header.substring(SCHEME.length()).trim();
        return token.isEmpty() || token.length() > 512 ? null : token;
    }

    private static Response tooManyRequests(Quota quota) {
        Response.ResponseBuilder response = Response.status(429);
        quota.headers().forEach(response::header);
        return response.header(HttpHeaders.RETRY_AFTER, quota.retryAfterSeconds())
                .type("application/json")
                .entity(ErrorBody.of(429, "Too many requests: the rate limit of this user is reached, retry in "
                        + quota.retryAfterSeconds() + " s"))
                .build();
    }

    /** Every authenticated {@code /v1} response tells the caller where its bucket stands. */
    @ServerResponseFilter
    public void rateLimitHeaders(ContainerResponseContext response) {
        Quota quota = currentCaller.quota();
        if (quota != null && !response.getHeaders().containsKey("RateLimit-Limit")) {
            quota.headers().forEach(response.getHeaders()::putSingle);
        }
    }

    private static Response unauthorized(String message) {
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"emogg\"")
                .type("application/json")
                .entity(ErrorBody.of(401, message))
                .build();
    }
}
