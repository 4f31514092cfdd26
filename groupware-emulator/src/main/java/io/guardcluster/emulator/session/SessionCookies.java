package io.guardcluster.emulator.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * Names and {@code Set-Cookie} values of the OX session cookies.
 *
 * <p>Source: appsuite-middleware {@code documentation/login_and_sessions/05_cookies.md} (the cookie table:
 * {@code JSESSIONID}, {@code open-xchange-secret-<hash>}, {@code open-xchange-public-session-<hash>},
 * {@code open-xchange-session-<hash>}; path {@code /}, Secure on HTTPS, HTTP-only) and
 * {@code session_lifecycle.md} (the {@code Set-Cookie} lines of login and logout). Naming as in
 * {@code LoginServlet}: the secret and session cookies use the session's cookie hash, the public-session
 * cookie a hash of User-Agent plus context and user id ({@code getPublicSessionCookieName}).
 */
@ApplicationScoped
public class SessionCookies {

    public static final String JSESSIONID = "JSESSIONID";
    public static final String SECRET_PREFIX = "open-xchange-secret-";
    public static final String SESSION_PREFIX = "open-xchange-session-";
    public static final String PUBLIC_SESSION_PREFIX = "open-xchange-public-session-";

    private final CookieHash cookieHash;
    private final EmulatorConfig config;

    @Inject
    public SessionCookies(CookieHash cookieHash, EmulatorConfig config) {
        this.cookieHash = cookieHash;
        this.config = config;
    }

    public String secretCookieName(String hash) {
        return SECRET_PREFIX + hash;
    }

    public String sessionCookieName(String hash) {
        return SESSION_PREFIX + hash;
    }

    /** {@code open-xchange-public-session-} + hash(request User-Agent, no client, context id, user id). */
    public String publicSessionCookieName(ClientRequest request, int contextId, int userId) {
        return PUBLIC_SESSION_PREFIX + cookieHash.hash(request.userAgent(), null, request::header,
                Integer.toString(contextId), Integer.toString(userId));
    }

    /** The {@code Set-Cookie} headers a successful login writes: secret, public session, session. */
    public List<String> loginCookies(ClientRequest request, Session session, boolean staySignedIn) {
        Duration maxAge = staySignedIn ? config.cookie().ttl() : null;
        List<String> cookies = new ArrayList<>(3);
        cookies.add(setCookie(secretCookieName(session.hash()), session.secret(), maxAge, request.secure()));
        cookies.add(setCookie(publicSessionCookieName(request, session.contextId(), session.userId()),
                session.alternativeId(), maxAge, request.secure()));
        cookies.add(setCookie(sessionCookieName(session.hash()), session.sessionId(), maxAge, request.secure()));
        return cookies;
    }

    /** {@code JSESSIONID=<digits>.<route>}, a browser-session cookie. */
    public String jsessionIdCookie(String value, ClientRequest request) {
        return setCookie(JSESSIONID, value, null, request.secure());
    }

    /**
     * The {@code Set-Cookie} headers a logout writes: each of the session's cookies the request carried, set to
     * {@code invalid} (JSESSIONID keeps its value) and expired, as in {@code session_lifecycle.md} "Closing a session".
     */
    public List<String> logoutCookies(ClientRequest request, Session session) {
        List<String> cookies = new ArrayList<>(4);
        for (String name : List.of(sessionCookieName(session.hash()), secretCookieName(session.hash()),
                publicSessionCookieName(request, session.contextId(), session.userId()))) {
            if (request.cookie(name).isPresent()) {
                cookies.add(expired(name, "invalid"));
            }
        }
        request.cookie(JSESSIONID).ifPresent(value -> cookies.add(expired(JSESSIONID, value)));
        return cookies;
    }

    private String setCookie(String name, String value, Duration maxAge, boolean secure) {
        StringBuilder sb = new StringBuilder(name).append('=').append(value);
        if (maxAge != null) {
            sb.append("; Max-Age=").append(maxAge.toSeconds());
        }
        sb.append("; Path=/");
        if (secure) {
            sb.append("; Secure");
        }
        if (config.cookie().httpOnly()) {
            sb.append("; HttpOnly");
        }
        return sb.toString();
    }

    private String expired(String name, String value) {
        StringBuilder sb = new StringBuilder(name).append('=').append(value)
                .append("; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Max-Age=0; Path=/");
        if (config.cookie().httpOnly()) {
            sb.append("; HttpOnly");
        }
        return sb.toString();
    }
}
