package io.guardcluster.gateway.session;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

import io.guardcluster.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Checks that a request carries a live groupware session, the way the OX UI sends it: the
 * {@code session} parameter plus the user's cookies ({@code open-xchange-secret-*}, which the backend
 * requires to match the session, and {@code JSESSIONID}, which its load balancer routes on).
 *
 * <ol>
 * <li>Look the session up in this replica's own short-lived cache (a few seconds: saves the Infinispan
 * round trip on every request of a busy session), then in the shared Infinispan cache (all gateway
 * replicas agree). The key is a SHA-256 of session id and secret cookie, so neither cache holds
 * anything a thief could replay.</li>
 * <li>On a miss, ask the backend as the user: {@code GET user/me} (context and user id) and
 * {@code GET user?action=get} (primary address), with the user's own cookies, so the call lands on
 * the backend node that holds the session. OX answers errors with HTTP 200 and an {@code error}
 * object; any error means "not a valid session".</li>
 * <li>Remember the answer for a short TTL. Without Infinispan the backend is asked every time
 * (slower, still correct); that is logged once.</li>
 * </ol>
 */
@ApplicationScoped
public class SessionAuthenticator {

    private static final Logger LOG = Logger.getLogger(SessionAuthenticator.class);
    static final String CACHE = "guard-gateway-sessions";
    private static final String SECRET_COOKIE_PREFIX = "open-xchange-secret-";
    /** Distributed, entries expire on their own; losing it costs a backend call, never correctness. */
    private static final String CACHE_CONFIG = "<distributed-cache name=\"" + CACHE + "\" mode=\"SYNC\" owners=\"2\">"
            + "<encoding media-type=\"text/plain; charset=UTF-8\"/><expiration lifespan=\"300000\" max-idle=\"-1\"/>"
            + "</distributed-cache>";

    private static final long CACHE_RETRY_MILLIS = 10_000;
    private static final long CACHE_TIMEOUT_MILLIS = 250;
    private static final int NEAR_CACHE_CAPACITY = 100_000;

    private final GatewayConfig config;
    private final Vertx vertx;
    private final Instance<RemoteCacheManager> cacheManager;
    // Built once: a registry lookup by name and tags per authenticated request is measurable.
    private final Counter nearHits;
    private final Counter cacheHits;
    private final Counter backendValid;
    private final Counter backendInvalid;
    private final AtomicBoolean cacheWarned = new AtomicBoolean();
    private final NearCache<GroupwareUser> nearCache;
    private volatile RemoteCache<String, String> cache;
    private HttpClient backend;
    private URI backendUrl;

    SessionAuthenticator(GatewayConfig config, Vertx vertx, Instance<RemoteCacheManager> cacheManager, MeterRegistry meters) {
        this.config = config;
        this.vertx = vertx;
        this.cacheManager = cacheManager;
        this.nearHits = meters.counter("guard.gateway.sessions", "result", "near");
        this.cacheHits = meters.counter("guard.gateway.sessions", "result", "cached");
        this.backendValid = meters.counter("guard.gateway.sessions", "result", "valid");
        this.backendInvalid = meters.counter("guard.gateway.sessions", "result", "invalid");
        Duration near = config.backend().nearCacheTtl().compareTo(config.backend().sessionCacheTtl()) < 0
                ? config.backend().nearCacheTtl() : config.backend().sessionCacheTtl();
        this.nearCache = new NearCache<>(near, NEAR_CACHE_CAPACITY, System::nanoTime);
    }

    void onStart(@Observes StartupEvent event) {
        backendUrl = URI.create(config.backend().url().replaceAll("/+$", ""));
        backend = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(50)
                .setConnectTimeout((int) config.backend().timeout().toMillis()));
        openCache();
    }

    /** Creating the cache is a blocking Hot Rod call: on a worker, retried until Infinispan answers. */
    private void openCache() {
        vertx.executeBlocking(() -> existingOrCreated(cacheManager.get()), false)
                .onSuccess(c -> {
                    cache = c;
                    if (cacheWarned.getAndSet(false)) {
                        LOG.info("session cache (Infinispan) available again");
                    }
                })
                .onFailure(err -> {
                    cacheUnavailable(err);
                    vertx.setTimer(CACHE_RETRY_MILLIS, id -> openCache());
                });
    }

    /**
     * The administrative create runs as a server task; one arriving while an Infinispan 16.0.7 server
     * is still starting can deadlock that start, so ask for the existing cache first and create only
     * when the server answers that it has none.
     */
    private static RemoteCache<String, String> existingOrCreated(RemoteCacheManager manager) {
        RemoteCache<String, String> existing = manager.getCache(CACHE);
        return existing != null ? existing
                : manager.administration().getOrCreateCache(CACHE, new StringConfiguration(CACHE_CONFIG));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (backend != null) {
            backend.close();
        }
    }

    /** The session's user, or empty if the request carries no valid session. */
    public Future<Optional<GroupwareUser>> authenticate(HttpServerRequest request) {
        String session = request.getParam("session");
        Cookie secret = request.cookies().stream().filter(c -> c.getName().startsWith(SECRET_COOKIE_PREFIX)).findFirst()
                .orElse(null);
        if (session == null || session.isBlank() || secret == null) {
            return Future.succeededFuture(Optional.empty());
        }
        String key = cacheKey(session, secret.getValue());
        GroupwareUser local = nearCache.get(key);
        if (local != null) {
            nearHits.increment();
            return Future.succeededFuture(Optional.of(local));
        }
        return cached(key).compose(hit -> {
            hit.ifPresent(user -> nearCache.put(key, user));
            if (hit.isPresent()) {
                cacheHits.increment();
                return Future.succeededFuture(hit);
            }
            return askBackend(session, request.headers()).onSuccess(user -> {
                (user.isPresent() ? backendValid : backendInvalid).increment();
                user.ifPresent(u -> {
                    nearCache.put(key, u);
                    remember(key, u);
                });
            });
        });
    }

    private Future<Optional<GroupwareUser>> askBackend(String session, MultiMap userHeaders) {
        String encoded = URLEncoder.encode(session, StandardCharsets.UTF_8);
        Future<JsonObject> me = backendGet("/user/me?session=" + encoded, userHeaders);
        Future<JsonObject> user = backendGet("/user?action=get&session=" + encoded, userHeaders);
        return Future.all(me, user).map(both -> vouchedFor(me.result().getJsonObject("data"),
                user.result().getJsonObject("data"))).recover(err -> {
            // The backend being down is not the user's fault, but we cannot vouch for anyone either.
            LOG.warnf("groupware backend did not answer a session check: %s", err.toString());
            return Future.failedFuture(new BackendUnavailableException());
        });
    }

    /**
     * The user the backend's answers describe, if they describe one Guard may vouch for: both answers present,
     * an address, and a real groupware context. Contexts are numbered from 1; Guard keeps context 0 for its guests
     * (key-service), so a session claiming context 0 (a misconfigured or hostile backend) never speaks for one.
     */
    static Optional<GroupwareUser> vouchedFor(JsonObject me, JsonObject user) {
        if (me == null || user == null || user.getString("email1") == null) {
            return Optional.empty();
        }
        Object context = me.getValue("context_id");
        Object userId = me.getValue("user_id");
        if (!(context instanceof Number c) || !(userId instanceof Number u) || c.intValue() < 1 || u.intValue() < 0) {
            LOG.warnf("the groupware backend vouched for a session in context %s; refused", context);
            return Optional.empty();
        }
        return Optional.of(new GroupwareUser(c.intValue(), u.intValue(), user.getString("email1")));
    }

    /**
     * A GET as the user: their cookies (session secret, JSESSIONID for the backend's load balancer)
     * and User-Agent (OX derives the secret cookie's name from it by default).
     */
    private Future<JsonObject> backendGet(String pathAndQuery, MultiMap userHeaders) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(backendUrl.getHost())
                .setPort(backendUrl.getPort() > 0 ? backendUrl.getPort() : 80)
                .setURI(backendUrl.getRawPath() + pathAndQuery)
                .setIdleTimeout(config.backend().timeout().toMillis());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.ACCEPT, "application/json");
        for (CharSequence name : new CharSequence[] { HttpHeaders.COOKIE, HttpHeaders.USER_AGENT }) {
            String value = userHeaders.get(name);
            if (value != null) {
                headers.add(name, value);
            }
        }
        options.setHeaders(headers);
        return backend.request(options).compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("backend answered HTTP " + response.statusCode());
                    }
                    return body.toJsonObject();
                }));
    }

    private Future<Optional<GroupwareUser>> cached(String key) {
        RemoteCache<String, String> c = cache();
        if (c == null) {
            return Future.succeededFuture(Optional.empty());
        }
        // Bounded: a slow or unreachable Infinispan must not slow every request down.
        return Future.fromCompletionStage(c.getAsync(key).orTimeout(CACHE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                vertx.getOrCreateContext())
                .map(value -> Optional.ofNullable(value).map(GroupwareUser::decode))
                .recover(err -> {
                    cacheUnavailable(err);
                    return Future.succeededFuture(Optional.empty());
                });
    }

    private void remember(String key, GroupwareUser user) {
        RemoteCache<String, String> c = cache();
        if (c != null) {
            c.putAsync(key, user.encode(), config.backend().sessionCacheTtl().toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(err -> {
                        cacheUnavailable(err);
                        return null;
                    });
        }
    }

    private RemoteCache<String, String> cache() {
        return cache;
    }

    private void cacheUnavailable(Throwable err) {
        if (cacheWarned.compareAndSet(false, true)) {
            LOG.warnf("session cache (Infinispan) unavailable, asking the groupware backend on every request: %s",
                    err.getClass().getSimpleName());
        }
    }

    static String cacheKey(String session, String secret) {
        MessageDigest sha = SHA_256.get();
        sha.update(session.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        sha.update(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()); // digest() also resets it for the next use
    }

    /** One digest per thread (event loops): getInstance looks the provider up on every call. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The backend could not be asked: answer 503, not 401 (the session may well be valid). */
    public static final class BackendUnavailableException extends RuntimeException {
        BackendUnavailableException() {
            super("groupware backend unavailable", null, false, false);
        }
    }
}
