package io.guardcluster.gateway.proxy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.problem.Problem;
import io.guardcluster.gateway.config.GatewayConfig;
import io.guardcluster.gateway.ratelimit.RateLimiter;
import io.guardcluster.gateway.routing.Route;
import io.guardcluster.gateway.routing.RouteTable;
import io.guardcluster.gateway.session.GroupwareUser;
import io.guardcluster.gateway.session.SessionAuthenticator;
import io.guardcluster.gateway.upstream.Replica;
import io.guardcluster.gateway.upstream.ReplicaSet;
import io.guardcluster.gateway.upstream.Upstreams;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.FastThreadLocal;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The gateway's one job: take a public request, decide where it goes, vouch for its user, and
 * stream it there and back (Vert.x HTTP proxy: bodies are piped with back-pressure, never buffered).
 *
 * <p>Per request, in order:
 * <ol>
 * <li>Route by path prefix ({@link RouteTable}); {@code /q/*} is the gateway's own health and metrics.</li>
 * <li>Drop any {@value InternalIdentityCodec#HEADER} from outside; set {@code X-Forwarded-*}.</li>
 * <li>Refuse oversized bodies (413) and over-eager clients (429 with {@code Retry-After}).</li>
 * <li>Unless the route is public, require a valid groupware session (401), validated by
 * {@link SessionAuthenticator}. The user's cookies and session parameter travel on unchanged.</li>
 * <li>Pick the replica: sticky by {@code JSESSIONID} (rendezvous hashing over healthy replicas).
 * If connecting fails, the replica is marked down and the next one is tried; a bodyless idempotent
 * request that fails after connecting is sent once more to another replica.</li>
 * <li>Sign a short-lived internal identity bound to this request and replica.</li>
 * </ol>
 * Errors are problem+json and say nothing about the inside.
 */
@ApplicationScoped
public class GatewayProxy {

    private static final Logger LOG = Logger.getLogger(GatewayProxy.class);
    /** The one attachment of a request's {@link ProxyContext}: an {@link Exchange}. */
    private static final String EXCHANGE = "guard.exchange";
    private static final String AFFINITY_COOKIE = "JSESSIONID";
    private static final Set<HttpMethod> CONTENT_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE);
    // Header names and constant values as AsciiStrings: hashed and encoded once, not per response.
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence IDENTITY_HEADER = HttpHeaders.createOptimized(InternalIdentityCodec.HEADER);
    private static final CharSequence X_CONTENT_TYPE_OPTIONS = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence X_FRAME_OPTIONS = HttpHeaders.createOptimized("X-Frame-Options");
    private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
    private static final CharSequence REFERRER_POLICY = HttpHeaders.createOptimized("Referrer-Policy");
    private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
    private static final CharSequence CONTENT_SECURITY_POLICY = HttpHeaders.createOptimized("Content-Security-Policy");
    private static final CharSequence CSP_NONE = HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
    private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");

    private final GatewayConfig config;
    private final Upstreams upstreams;
    private final SessionAuthenticator sessions;
    private final ClusterMasterKey masterKey;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final RequestMetrics requestMetrics;
    private final RouteTable routes = RouteTable.DEFAULT;
    private final RateLimiter limiter = new RateLimiter(System::nanoTime);
    /**
     * One client and proxy per event-loop thread: a connection pool shared by all event loops hands
     * a request on loop A a connection owned by loop B, which costs two thread hand-offs per request
     * (the benchmark profile showed it). Per loop, a request stays on its thread end to end.
     */
    private final FastThreadLocal<Loop> loops = new FastThreadLocal<>() {
        @Override
        protected Loop initialValue() {
            return new Loop();
        }
    };
    private final List<HttpClient> clients = new CopyOnWriteArrayList<>();

    GatewayProxy(GatewayConfig config, Upstreams upstreams, SessionAuthenticator sessions, ClusterMasterKey masterKey,
            Vertx vertx, MeterRegistry meters) {
        this.config = config;
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.masterKey = masterKey;
        this.vertx = vertx;
        this.meters = meters;
        this.requestMetrics = new RequestMetrics(meters, routes.routes());
    }

    /** Installs the proxy in front of everything but the gateway's own {@code /q/*} endpoints. */
    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::route);
    }

    void close(@Observes ShutdownEvent event) {
        clients.forEach(HttpClient::close);
    }

    private void route(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = request.path();
        if (path.startsWith("/q/")) {
            rc.next();
            return;
        }
        long start = System.nanoTime();
        Route route = routes.find(path);
        if (route == null) {
            respond(request.response(), problem(404, "http-404", "Not Found", "no resource at this path", path));
            requestMetrics.of(null).completed(404, start);
            return;
        }
        if (!path.equals(rc.normalizedPath())) {
            // '..', '//' or encoded dots could reach a path of another service behind a matching prefix.
            respond(request.response(), problem(400, "non-canonical-path", "Bad request",
                    "the request path is not in canonical form", null));
            requestMetrics.of(route).completed(400, start);
            return;
        }
        request.pause();
        loops.get().handle(request, route, start);
    }

    /** What the proxy knows about one request: its route, user, the replicas tried so far. */
    private static final class Exchange {
        final Route route;
        final RequestMetrics.PerRoute metrics;
        final long start;
        GroupwareUser user;
        /** The first replica tried, and all of them once there is a second (rare: failover). */
        private Replica first;
        private Set<Replica> tried;

        Exchange(Route route, RequestMetrics.PerRoute metrics, long start) {
            this.route = route;
            this.metrics = metrics;
            this.start = start;
        }

        Set<Replica> tried() {
            return tried != null ? tried : first == null ? Set.of() : Set.of(first);
        }

        void tried(Replica replica) {
            if (first == null) {
                first = replica;
            } else {
                if (tried == null) {
                    tried = new HashSet<>();
                    tried.add(first);
                }
                tried.add(replica);
            }
        }
    }

    /**
     * One event loop's upstream client and proxy. Everything here runs on that loop's thread only,
     * so the hand-over of a routed request to the interceptor needs no synchronisation.
     */
    private final class Loop implements ProxyInterceptor {
        private final HttpClient client;
        private final HttpProxy proxy;
        private HttpServerRequest routedRequest;
        private Route routedTo;
        private long routedAt;

        Loop() {
            client = vertx.createHttpClient(new HttpClientOptions()
                    .setKeepAlive(true).setMaxPoolSize(128).setConnectTimeout(1000).setTcpNoDelay(true));
            clients.add(client);
            // No WebSocket tunnelling: it would bypass the interceptor (authentication, identity
            // stripping). An upgrade request is proxied as a plain request without its hop-by-hop headers.
            proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
                    .origin(ctx -> origin(ctx, client)).addInterceptor(this);
        }

        void handle(HttpServerRequest request, Route route, long start) {
            // The proxy calls handleProxyRequest synchronously from handle(): hand the route over
            // instead of matching the path again.
            routedRequest = request;
            routedTo = route;
            routedAt = start;
            try {
                proxy.handle(request);
            } finally {
                routedRequest = null;
                routedTo = null;
            }
        }

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
            HttpServerRequest incoming = ctx.request().proxiedRequest();
            Exchange exchange;
            if (incoming == routedRequest) {
                exchange = new Exchange(routedTo, requestMetrics.of(routedTo), routedAt);
            } else {
                Route route = routes.find(incoming.path());
                if (route == null) {
                    return reject(ctx, problem(404, "http-404", "Not Found", "no resource at this path", incoming.path()));
                }
                exchange = new Exchange(route, requestMetrics.of(route), System.nanoTime());
            }
            ctx.set(EXCHANGE, exchange);
            return proxyRequest(ctx, exchange);
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext ctx) {
            Exchange exchange = ctx.get(EXCHANGE, Exchange.class);
            ProxyResponse response = ctx.response();
            secure(response.headers(), exchange == null || !exchange.route.open());
            Future<Void> sent = ctx.sendResponse();
            if (exchange != null) {
                int status = response.getStatusCode();
                sent.onComplete(ar -> {
                    if (ar.succeeded()) {
                        exchange.metrics.completed(status, exchange.start);
                    } else {
                        exchange.metrics.aborted(exchange.start);
                    }
                });
            }
            return sent;
        }
    }

    private Future<ProxyResponse> proxyRequest(ProxyContext ctx, Exchange exchange) {
        ProxyRequest request = ctx.request();
        HttpServerRequest incoming = request.proxiedRequest();
        Route route = exchange.route;

        MultiMap headers = request.headers();
        headers.remove(IDENTITY_HEADER);
        String clientAddress = clientAddress(incoming);
        headers.set(X_FORWARDED_FOR, clientAddress);
        headers.set(X_FORWARDED_PROTO, incoming.isSSL() ? HTTPS : HTTP);
        // The upstream sees the replica's address in Host; WKD's direct method needs the mail
        // domain the client asked for.
        headers.set(X_FORWARDED_HOST, forwardedHost(incoming));

        Body body = request.getBody();
        long length = body == null ? 0 : body.length();
        if (length > config.maxRequestSize().asLongValue()) {
            return reject(ctx, problem(413, "request-too-large", "Content too large",
                    "the request body exceeds the limit of " + config.maxRequestSize().asLongValue() + " bytes", incoming.path()))
                    .map(r -> {
                        // Do not read a gigabyte we refused: close the connection instead.
                        r.putHeader(HttpHeaders.CONNECTION, "close");
                        return r;
                    });
        }
        if (!hasBody(incoming)) {
            // No body: the request can be sent again to another replica if the first one fails.
            request.setBody(null);
        } else if (length < 0) {
            if (incoming.version() == HttpVersion.HTTP_2) {
                // HTTP/2 has no chunked encoding; without this marker the proxy would send the
                // upstream (HTTP/1.1) request neither chunked nor with a length, i.e. empty.
                incoming.headers().set(HttpHeaders.TRANSFER_ENCODING, "chunked");
            }
            request.setBody(Body.body(new LimitedReadStream(body.stream(), config.maxRequestSize().asLongValue()), -1));
        }

        long wait = switch (route.limit()) {
            case DIRECTORY -> rateLimit("directory:", clientAddress, config.rateLimit().directoryPerAddress());
            case UNLOCK -> rateLimit("unlock:addr:", clientAddress, config.rateLimit().unlockPerAddress());
            case NONE -> 0;
        };
        if (wait > 0) {
            return tooManyRequests(ctx, wait);
        }
        if (route.open()) {
            return forward(ctx, exchange);
        }
        return sessions.authenticate(incoming).compose(user -> {
            if (user.isEmpty()) {
                meters.counter("guard.gateway.rejected", "reason", "no-session").increment();
                return reject(ctx, problem(401, "session-required", "Unauthorized",
                        "this request carries no valid groupware session: sign in first", incoming.path()));
            }
            if (route.limit() == Route.RateLimited.UNLOCK) {
                long userWait = rateLimit("unlock:user:", user.get().contextId() + "/" + user.get().userId(),
                        config.rateLimit().unlockPerUser());
                if (userWait > 0) {
                    return tooManyRequests(ctx, userWait);
                }
            }
            exchange.user = user.get();
            return forward(ctx, exchange);
        }, err -> reject(ctx, problem(503, "groupware-unavailable", "Service unavailable",
                "the groupware backend cannot confirm the session right now; try again shortly", incoming.path())));
    }

    /** The limiter's wait for {@code kind + key}; the key is only built when the limit is on. */
    private long rateLimit(String kind, String key, int perMinute) {
        return perMinute <= 0 ? 0 : limiter.acquire(kind + key, perMinute);
    }

    private Future<ProxyResponse> forward(ProxyContext ctx, Exchange exchange) {
        return ctx.sendRequest().recover(first -> {
            Route route = exchange.route;
            if (first instanceof NoReplicaException || ctx.request().getBody() != null
                    || !IDEMPOTENT.contains(ctx.request().getMethod())
                    || ctx.request().proxiedRequest().response().closed()) {
                // (The last: the client has gone, nobody waits for a second attempt.)
                return upstreamFailed(ctx, route, first);
            }
            // The replica took the request and failed (e.g. killed mid-request): safe to repeat once.
            meters.counter("guard.gateway.failovers", "service", route.service(), "stage", "response").increment();
            LOG.infof("%s failed on %s (%s); repeating it on another replica", ctx.request().getMethod(),
                    route.service(), first.toString());
            return ctx.sendRequest().recover(second -> upstreamFailed(ctx, route, second));
        });
    }

    /** OriginRequestProvider: the connection to the chosen replica, with failover on connect errors. */
    private Future<HttpClientRequest> origin(ProxyContext ctx, HttpClient client) {
        Exchange exchange = ctx.get(EXCHANGE, Exchange.class);
        ReplicaSet set = exchange == null ? null : upstreams.set(exchange.route.service());
        if (set == null || set.replicas().isEmpty()) {
            return Future.failedFuture(new NoReplicaException());
        }
        return connect(ctx, client, set, affinity(ctx.request().proxiedRequest()), exchange, 2);
    }

    private Future<HttpClientRequest> connect(ProxyContext ctx, HttpClient client, ReplicaSet set, String affinity,
            Exchange exchange, int attempts) {
        Replica replica = set.pick(affinity, exchange.tried());
        if (replica == null) {
            return Future.failedFuture(new NoReplicaException());
        }
        exchange.tried(replica);
        ProxyRequest request = ctx.request();
        request.setAuthority(replica.authority());
        GroupwareUser user = exchange.user;
        if (user != null) {
            InternalIdentity identity = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                    Instant.now().plus(config.identityLifetime()));
            request.headers().set(IDENTITY_HEADER, masterKey.identityCodec()
                    .sign(identity, new RequestBinding(request.getMethod().name(), replica.id(), request.getURI())));
        }
        RequestOptions options = new RequestOptions().setHost(replica.host()).setPort(replica.port())
                .setIdleTimeout(config.upstreamTimeout().toMillis());
        return client.request(options).recover(err -> {
            upstreams.reportUnreachable(set, replica, err);
            if (attempts > 1) {
                meters.counter("guard.gateway.failovers", "service", set.service(), "stage", "connect").increment();
                return connect(ctx, client, set, affinity, exchange, attempts - 1);
            }
            return Future.failedFuture(err);
        });
    }

    /**
     * The {@value #AFFINITY_COOKIE} cookie's value, or null. Read straight from the Cookie header:
     * {@code getCookie} would decode every cookie into the request's cookie jar, which the response
     * then walks again for Set-Cookie headers, on every proxied request. First occurrence wins, as
     * in the jar; surrounding quotes are removed.
     */
    static String affinity(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            // HTTP/2 may split the cookies over several headers.
            for (String header : request.headers().getAll(HttpHeaders.COOKIE)) {
                String value = cookieValue(header, AFFINITY_COOKIE);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
        return cookieValue(request.getHeader(HttpHeaders.COOKIE), AFFINITY_COOKIE);
    }

    /** The value of cookie {@code name} in a Cookie header ({@code a=1; b=2}), or null. */
    static String cookieValue(String header, String name) {
        if (header == null) {
            return null;
        }
        int length = header.length();
        int i = 0;
        while (i < length) {
            while (i < length && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';'
                    || header.charAt(i) == ',')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = length;
            }
            if (header.startsWith(name, i) && i + name.length() < end && header.charAt(i + name.length()) == '=') {
                int from = i + name.length() + 1;
                int to = end;
                while (to > from && (header.charAt(to - 1) == ' ' || header.charAt(to - 1) == '\t')) {
                    to--;
                }
                if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
                    from++;
                    to--;
                }
                return header.substring(from, to);
            }
            i = end + 1;
        }
        return null;
    }

    private Future<ProxyResponse> upstreamFailed(ProxyContext ctx, Route route, Throwable err) {
        String path = ctx.request().proxiedRequest().path();
        if (err instanceof NoReplicaException) {
            meters.counter("guard.gateway.rejected", "reason", "no-replica").increment();
            return reject(ctx, problem(503, "service-unavailable", "Service unavailable",
                    "the " + route.service() + " has no replica available right now; try again shortly", path))
                    .map(r -> r.putHeader(HttpHeaders.RETRY_AFTER, "1"));
        }
        if (err instanceof TimeoutException || err.getClass().getSimpleName().contains("Timeout")) {
            return reject(ctx, problem(504, "upstream-timeout", "Gateway timeout",
                    "the " + route.service() + " did not answer in time", path));
        }
        // The path only: the query carries the user's session id.
        LOG.warnf("%s failed for %s: %s", route.service(), path, err.toString());
        return reject(ctx, problem(502, "upstream-failed", "Bad gateway",
                "the " + route.service() + " failed to answer; try again", path));
    }

    private Future<ProxyResponse> tooManyRequests(ProxyContext ctx, long retryAfterSeconds) {
        meters.counter("guard.gateway.rejected", "reason", "rate-limit").increment();
        return reject(ctx, problem(429, "rate-limited", "Too many requests",
                "too many requests of this kind; retry after " + retryAfterSeconds + " s", ctx.request().proxiedRequest().path()))
                .map(r -> r.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds)));
    }

    /** Answers without contacting an upstream (the unread request body is discarded). */
    private static Future<ProxyResponse> reject(ProxyContext ctx, Problem problem) {
        Buffer json = Json.encodeToBuffer(problem);
        ProxyResponse response = ctx.request().release().response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .setBody(Body.body(json));
        return Future.succeededFuture(response);
    }

    /**
     * Whether a body follows the headers. HTTP/1.1 says so exactly (length or chunked). HTTP/2 only
     * says so by leaving the stream open, and whether Vert.x has seen the END_STREAM flag yet when we
     * look depends on frame timing: so without a length, only methods that carry content (POST, PUT,
     * PATCH) count as having a body there. A body on GET/DELETE has no defined meaning anyway, and
     * treating it as absent keeps those requests safe to repeat on another replica.
     */
    static boolean hasBody(HttpServerRequest request) {
        String contentLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (contentLength != null) {
            return !contentLength.strip().equals("0");
        }
        if ("chunked".equalsIgnoreCase(request.getHeader(HttpHeaders.TRANSFER_ENCODING))) {
            return true;
        }
        return request.version() == HttpVersion.HTTP_2 && CONTENT_METHODS.contains(request.method()) && !request.isEnded();
    }

    private String clientAddress(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        if (config.trustForwardedFor()) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].strip();
            }
        }
        return peer;
    }

    private String forwardedHost(HttpServerRequest request) {
        if (config.trustForwardedFor()) {
            String forwarded = request.getHeader("X-Forwarded-Host");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].strip();
            }
        }
        HostAndPort authority = request.authority();
        return authority == null ? "" : authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
    }

    private static Problem problem(int status, String slug, String title, String detail, String path) {
        return new Problem(Problem.type(slug), title, status, detail, path);
    }

    private static void respond(HttpServerResponse response, Problem problem) {
        secure(response.headers(), true);
        response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encodeToBuffer(problem));
    }

    /** Headers every answer carries; private (authenticated) answers must not be cached anywhere. */
    static void secure(MultiMap headers, boolean privateContent) {
        headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        headers.set(X_FRAME_OPTIONS, DENY);
        headers.set(REFERRER_POLICY, NO_REFERRER);
        headers.set(CONTENT_SECURITY_POLICY, CSP_NONE);
        if (privateContent) {
            headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
        }
    }

    /** Every replica of the service was tried or none is known. */
    static final class NoReplicaException extends RuntimeException {
        NoReplicaException() {
            super("no replica available", null, false, false);
        }
    }
}
