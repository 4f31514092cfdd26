package io.guardcluster.mailservice.backend;

import java.util.List;

import io.guardcluster.common.problem.GuardProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The user's groupware session as the gateway forwarded it with the user's request, to be presented to the
 * groupware backend unchanged: the {@code session} parameter, the whole {@code Cookie} header (the backend checks its
 * {@code open-xchange-secret-<hash>} cookie against the session; its load balancer routes on {@code JSESSIONID}) and
 * the {@code User-Agent} (OX computes the secret cookie's name from it by default, {@code com.openexchange.cookie.hash}
 * {@code =calculate}).
 *
 * <p>All three are secrets of the user's: {@link #toString()} shows none of them, and nothing logs them.
 *
 * @param sessionId    the {@code session} parameter
 * @param cookieHeader the Cookie header as the user's browser sent it ({@code a=1; b=2}), or ""
 * @param userAgent    the User-Agent as sent, or null
 */
public record UserSession(String sessionId, String cookieHeader, String userAgent) {

    /** The session the request carries (the gateway passes the user's request on unchanged). */
    public static UserSession from(HttpServerRequest request) {
        return of(request.getParam("session"), request.headers().getAll(HttpHeaders.COOKIE), request.getHeader(HttpHeaders.USER_AGENT));
    }

    /** The same, for a JAX-RS resource: its {@code session} query parameter and headers. */
    public static UserSession from(String sessionParameter, jakarta.ws.rs.core.HttpHeaders headers) {
        List<String> cookies = headers.getRequestHeader(jakarta.ws.rs.core.HttpHeaders.COOKIE);
        return of(sessionParameter, cookies == null ? List.of() : cookies, headers.getHeaderString(jakarta.ws.rs.core.HttpHeaders.USER_AGENT));
    }

    /**
     * From the parts; several Cookie headers (HTTP/2 splits them) are joined into one, as HTTP/1.1 sends it.
     *
     * @throws GuardProblemException 401 when there is no session parameter
     */
    public static UserSession of(String sessionId, List<String> cookieHeaders, String userAgent) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new GuardProblemException(401, "groupware-session-missing", "Unauthorized",
                    "the request carries no groupware session (session parameter)");
        }
        return new UserSession(sessionId, String.join("; ", cookieHeaders), userAgent);
    }

    @Override
    public String toString() {
        return "UserSession[redacted]";
    }
}
