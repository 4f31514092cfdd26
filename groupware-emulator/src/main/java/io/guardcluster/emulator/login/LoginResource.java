package io.guardcluster.emulator.login;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.admin.EmulatorStats;
import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.ajax.OxResponses;
import io.guardcluster.emulator.ajax.RequestParams;
import io.guardcluster.emulator.cluster.ClusterNodes;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.session.CookieHash;
import io.guardcluster.emulator.session.Session;
import io.guardcluster.emulator.session.SessionCookies;
import io.guardcluster.emulator.session.SessionStore;
import io.guardcluster.emulator.session.SessionValidator;
import io.guardcluster.emulator.session.Tokens;
import io.guardcluster.emulator.user.DemoUser;
import io.guardcluster.emulator.user.UserDirectory;
import io.vertx.core.http.HttpServerRequest;

/**
 * The OX login module: {@code /appsuite/api/login} (and the middleware's own {@code /ajax/login}).
 *
 * <p>Doc sources: the HTTP API's Login module (OpenAPI, rendered as hexdocs {@code OpenXchangeClient.Api.Login}:
 * {@code doLogin} = {@code POST /login?action=login} with form {@code name}, {@code password} (MUST be in the body),
 * optional {@code authId} (URI), {@code client}, {@code version}, {@code clientIP}, {@code clientUserAgent},
 * {@code rampup}; response {@code LoginResponse}; {@code doLogout} = {@code GET /login?action=logout&session=},
 * responses 200 and 403), {@code documentation/login_and_sessions/session_lifecycle.md} (the exchanged requests,
 * cookies and the logout's cookie removal) and appsuite-middleware {@code LoginServlet} / {@code Login} /
 * {@code LoginTools} / {@code AbstractLoginRequestHandler} for the details (parameter handling, error codes,
 * status codes of logout).
 */
@Path("/{prefix: appsuite/api|ajax}/login")
public class LoginResource {

    private static final Logger LOG = Logger.getLogger(LoginResource.class);

    @Inject
    EmulatorConfig config;
    @Inject
    UserDirectory users;
    @Inject
    SessionStore store;
    @Inject
    CookieHash cookieHash;
    @Inject
    SessionCookies cookies;
    @Inject
    SessionValidator validator;
    @Inject
    EmulatorStats stats;
    @Inject
    ClusterNodes nodes;

    @GET
    public Response get(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        return handle(new RequestParams(uri.getQueryParameters(), null), new ClientRequest(headers, uri, vertx));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response postForm(MultivaluedMap<String, String> form, @Context UriInfo uri, @Context HttpHeaders headers,
            @Context HttpServerRequest vertx) {
        return handle(new RequestParams(uri.getQueryParameters(), form), new ClientRequest(headers, uri, vertx));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response post(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        return get(uri, headers, vertx);
    }

    private Response handle(RequestParams params, ClientRequest request) {
        // LoginServlet.doGet: Tools.checkNonExistence(req, "password") - a password in the URI is refused.
        if (params.inQuery("password")) {
            throw new OxException(OxErrorCode.SVL_0030, "password");
        }
        String action = params.require("action");
        return switch (action) {
            case "login" -> login(params, request);
            case "logout" -> logout(params, request);
            default -> throw new OxException(OxErrorCode.SVL_0001, action);
        };
    }

    /**
     * {@code action=login}: authenticates {@code name}/{@code password}, creates the session and answers
     * {@code {"session", "user", "user_id", "context_id", "locale"}} (the fields of the documented
     * {@code LoginResponse} a login fills) with the cookies {@code open-xchange-secret-<hash>},
     * {@code open-xchange-public-session-<hash>}, {@code open-xchange-session-<hash>} and {@code JSESSIONID}.
     * Wrong credentials: {@code LGI-0006} (HTTP 200).
     */
    private Response login(RequestParams params, ClientRequest request) {
        String name = params.require("name").trim();
        String password = params.require("password");
        DemoUser user = users.authenticate(name, password).orElseThrow(() -> {
            stats.failedLogin();
            LOG.infof("Login failed for '%s' (LGI-0006)", name);
            return new OxException(OxErrorCode.LGI_0006);
        });

        // LoginTools.parseLogin: client defaults to the configured client; the hash uses clientUserAgent
        // (if sent) or the User-Agent header, plus the client.
        String client = params.get("client").orElse(config.login().defaultClient());
        String userAgent = params.get("clientUserAgent").orElse(request.userAgent());
        String hash = cookieHash.hash(userAgent, client, request::header);
        Instant now = Instant.now();
        String node = nodes.serving(request);
        Session session = new Session(Tokens.hex32(), Tokens.hex32(), Tokens.hex32(), hash, client, name, user.id(),
                user.contextId(), request.userAgent(), params.get("clientIP").orElse(request.remoteAddress()),
                params.get("authId").orElseGet(Tokens::hex32), node, now, new AtomicReference<>(now));
        store.add(node, session);
        stats.login();
        LOG.infof("Login of %s (user %d, context %d) on node %s, client %s", name, user.id(), user.contextId(), node, client);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", session.sessionId());
        body.put("user", session.login());
        body.put("user_id", user.id());
        body.put("context_id", user.contextId());
        body.put("locale", user.locale());

        Response.ResponseBuilder response = noCache(Response.ok(body, OxResponses.JSON_UTF8));
        cookies.loginCookies(request, session, params.flag("staySignedIn"))
                .forEach(c -> response.header(HttpHeaders.SET_COOKIE, c));
        response.header(HttpHeaders.SET_COOKIE, cookies.jsessionIdCookie(httpSessionId(request, node), request));
        return response.build();
    }

    /**
     * {@code action=logout}: ends the session. As {@code LoginServlet}'s logout handler: no {@code session}
     * parameter: 400; unknown session: 403; missing or wrong secret cookie: 403; else 200 with an empty body and
     * the session's cookies expired.
     */
    private Response logout(RequestParams params, ClientRequest request) {
        Optional<String> sessionId = params.get("session");
        if (sessionId.isEmpty()) {
            return noCache(Response.status(Response.Status.BAD_REQUEST)).build();
        }
        Optional<Session> session = store.get(nodes.serving(request), sessionId.get());
        if (session.isEmpty()) {
            LOG.infof("Logout: no such session (403)");
            return noCache(Response.status(Response.Status.FORBIDDEN)).build();
        }
        Optional<String> secret = validator.secretFrom(request, session.get());
        if (secret.isEmpty() || !secret.get().equals(session.get().secret())) {
            LOG.infof("Logout of session %s: missing or non-matching secret (403)", sessionId.get());
            return noCache(Response.status(Response.Status.FORBIDDEN)).build();
        }
        store.remove(sessionId.get());
        stats.logout();
        LOG.infof("Logout of %s (user %d, context %d)", session.get().login(), session.get().userId(),
                session.get().contextId());
        Response.ResponseBuilder response = noCache(Response.ok().type(OxResponses.JSON_UTF8));
        List<String> expired = cookies.logoutCookies(request, session.get());
        expired.forEach(c -> response.header(HttpHeaders.SET_COOKIE, c));
        return response.build();
    }

    /** Keeps a JSESSIONID that already routes to this node, else starts a new HTTP session on this node. */
    private static String httpSessionId(ClientRequest request, String node) {
        return request.cookie(SessionCookies.JSESSIONID)
                .filter(v -> v.endsWith("." + node))
                .orElseGet(() -> Tokens.httpSessionId(node));
    }

    /** OX's {@code Tools.disableCaching} headers (seen in {@code session_lifecycle.md}). */
    private static Response.ResponseBuilder noCache(Response.ResponseBuilder builder) {
        return builder.header("Pragma", "no-cache").header("Cache-Control", "no-store, no-cache, must-revalidate, post-check=0, pre-check=0");
    }
}
