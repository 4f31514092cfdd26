package io.guardcluster.mailservice.backend;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The HTTP calls to the groupware backend, under SmallRye Fault Tolerance:
 * <ul>
 * <li>a timeout on every call: a generous ceiling for a large mail on a slow link; a backend that goes silent fails
 * sooner, after {@code guard.backend.request-timeout};</li>
 * <li>GETs, which change nothing, are retried after a failure to get an answer (not after the ceiling: a backend that
 * slow is not helped by asking again); the send never is, it may have reached the backend;</li>
 * <li>a circuit breaker per kind of call stops calling a backend that keeps failing. Only "no answer" counts as a
 * failure ({@link BackendUnavailableException}, or the timeout): an answer, even an error, is the backend working.</li>
 * </ul>
 *
 * <p>Calls as the user carry the user's Cookie header and User-Agent unchanged and nothing else of the user's, so the
 * backend's load balancer routes them to the node holding the session (JSESSIONID) and the backend finds the
 * session's secret cookie under the name it computes from the User-Agent. Bodies are read up to a limit and the
 * connection is dropped beyond it. Nothing here logs a header, a parameter or a body.
 */
@ApplicationScoped
class BackendTransport {

    /** An answer: HTTP status, Content-Type, body. */
    record Answer(int status, String contentType, byte[] body) {

        boolean json() {
            return contentType != null && (contentType.startsWith("application/json") || contentType.startsWith("text/javascript"));
        }
    }

    /** A body larger than the caller allows; carries the limit. */
    static final class TooLargeException extends RuntimeException {
        final long limit;

        TooLargeException(long limit) {
            super("larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    private final BackendConfig config;
    private final HttpClient http;
    private final URI api;
    private final URI rest;

    BackendTransport(Vertx vertx, BackendConfig config) {
        this.config = config;
        this.api = URI.create(config.url().replaceAll("/+$", ""));
        this.rest = URI.create(config.rest().url().replaceAll("/+$", ""));
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setMaxPoolSize(50).setConnectTimeout((int) config.connectTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    /** A GET of the HTTP API as the user ({@code pathAndQuery} relative to the API's base URL). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = BackendUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, failOn = { BackendUnavailableException.class, TimeoutException.class })
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    Uni<Answer> get(UserSession user, String pathAndQuery, long maxBody) {
        return call(api, HttpMethod.GET, pathAndQuery, user, null, null, maxBody);
    }

    /** A PUT of the HTTP API as the user, with {@code body}; not retried. */
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, failOn = { BackendUnavailableException.class, TimeoutException.class })
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    Uni<Answer> put(UserSession user, String pathAndQuery, String contentType, byte[] body, long maxAnswer) {
        return call(api, HttpMethod.PUT, pathAndQuery, user, contentType, body, maxAnswer);
    }

    /** A GET of the REST API with Guard's basic-auth credentials ({@code path} relative to the REST base URL). */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = BackendUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, failOn = { BackendUnavailableException.class, TimeoutException.class })
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    Uni<Answer> rest(String path, long maxBody) {
        return call(rest, HttpMethod.GET, path, null, null, null, maxBody);
    }

    private Uni<Answer> call(URI base, HttpMethod method, String pathAndQuery, UserSession user, String contentType,
            byte[] body, long maxBody) {
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : (tls ? 443 : 80)).setSsl(tls)
                .setURI((base.getRawPath() == null ? "" : base.getRawPath()) + pathAndQuery)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.requestTimeout().toMillis());
        options.putHeader("Accept", "application/json, */*");
        if (user != null) {
            if (!user.cookieHeader().isEmpty()) {
                options.putHeader("Cookie", user.cookieHeader());
            }
            if (user.userAgent() != null) {
                options.putHeader("User-Agent", user.userAgent());
            }
        } else {
            options.putHeader("Authorization", basicAuth());
        }
        return http.request(options)
                .chain(request -> {
                    Uni<HttpClientResponse> sent;
                    if (body == null) {
                        sent = request.send();
                    } else {
                        request.putHeader("Content-Type", contentType);
                        sent = request.send(Buffer.buffer(body));
                    }
                    return sent.chain(response -> read(request, response, maxBody));
                })
                .onFailure(e -> !(e instanceof TooLargeException || e instanceof BackendUnavailableException))
                .transform(e -> new BackendUnavailableException("the groupware backend did not answer; try again"))
                .invoke(answer -> {
                    if (answer.status() >= 500) {
                        throw new BackendUnavailableException("the groupware backend failed to answer (HTTP " + answer.status() + "); try again");
                    }
                });
    }

    /** The whole body, unless it is (or announces to be) larger than {@code max}: then the connection is dropped. */
    private static Uni<Answer> read(HttpClientRequest request, HttpClientResponse response, long max) {
        String declared = response.getHeader("Content-Length");
        long length = -1;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length > max) {
            request.reset();
            return Uni.createFrom().failure(new TooLargeException(max));
        }
        Buffer initial = Buffer.buffer(length >= 0 ? (int) length : 8192);
        return response.toMulti()
                .collect().in(() -> initial, (all, chunk) -> {
                    if (all.length() + chunk.length() > max) {
                        throw new TooLargeException(max);
                    }
                    all.appendBuffer(chunk);
                })
                .onFailure(TooLargeException.class).invoke(e -> request.reset())
                .map(all -> new Answer(response.statusCode(), response.getHeader("Content-Type"), all.getBytes()));
    }

    private String basicAuth() {
        String user = config.rest().username().orElse("");
        String password = config.rest().password().orElse("");
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
