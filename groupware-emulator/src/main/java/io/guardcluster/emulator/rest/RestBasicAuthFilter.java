package io.guardcluster.emulator.rest;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import io.guardcluster.emulator.admin.EmulatorStats;

/**
 * HTTP basic auth of the middleware's REST services. Missing or wrong credentials: 401 with
 * {@code WWW-Authenticate: Basic realm="OX REST", encoding="UTF-8"} (the challenge appsuite-middleware's REST
 * services send, e.g. the password-change-history service).
 */
@Provider
@RestBasicAuth
@Priority(Priorities.AUTHENTICATION)
public class RestBasicAuthFilter implements ContainerRequestFilter {

    static final String CHALLENGE = "Basic realm=\"OX REST\", encoding=\"UTF-8\"";

    @Inject
    RestCredentials credentials;
    @Inject
    EmulatorStats stats;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!credentials.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            stats.restAuthFailure();
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build());
        }
    }
}
