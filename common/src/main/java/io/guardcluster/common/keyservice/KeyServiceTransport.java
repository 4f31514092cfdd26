package io.guardcluster.common.keyservice;

import java.net.ConnectException;
import java.time.Instant;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.smallrye.mutiny.Uni;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.ServiceInstance;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * One HTTP call to a key-service replica that Stork picks, with an internal identity signed for exactly that
 * request (method, the replica's host:port, path), under SmallRye Fault Tolerance: a call that could not
 * connect goes to another replica (nothing was sent, so any call may move); a GET is also retried after a
 * 5xx or a lost answer; a circuit breaker stops calling a key-service that keeps failing.
 */
@ApplicationScoped
class KeyServiceTransport {

    /** How long the identity we sign is good for: the call's own timeout, with margin for clock skew. */
    private static final java.time.Duration IDENTITY_LIFETIME = java.time.Duration.ofSeconds(60);

    /** A key-service answer: its status and body (problem+json for errors). */
    record Answer(int status, byte[] body, long retryAfterSeconds) {
    }

    /** Not even connected: safe to send anywhere else. */
    static final class ReplicaUnreachableException extends KeyServiceUnavailableException {
        ReplicaUnreachableException() {
            super("key-service is unreachable; try again shortly");
        }
    }

    private final ClusterMasterKey masterKey;
    private final KeyServiceConfig config;
    private final HttpClient http;

    KeyServiceTransport(Vertx vertx, ClusterMasterKey masterKey, KeyServiceConfig config) {
        this.masterKey = masterKey;
        this.config = config;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = KeyServiceUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = KeyServiceUnavailableException.class)
    @Timeout(value = 10_000)
    Uni<Answer> get(InternalIdentity user, String pathAndQuery) {
        return call(HttpMethod.GET, user, pathAndQuery, null);
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = ReplicaUnreachableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = KeyServiceUnavailableException.class)
    @Timeout(value = 10_000)
    Uni<Answer> post(InternalIdentity user, String pathAndQuery, byte[] json) {
        return call(HttpMethod.POST, user, pathAndQuery, json);
    }

    private Uni<Answer> call(HttpMethod method, InternalIdentity user, String pathAndQuery, byte[] json) {
        return Uni.createFrom().deferred(() -> Stork.getInstance().getService(config.serviceName()).selectInstance())
                .onFailure().transform(e -> new ReplicaUnreachableException())
                .chain(replica -> send(replica, method, user, pathAndQuery, json));
    }

    private Uni<Answer> send(ServiceInstance replica, HttpMethod method, InternalIdentity user, String pathAndQuery,
            byte[] json) {
        String authority = replica.getHost() + ":" + replica.getPort();
        InternalIdentity forCall = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                Instant.now().plus(IDENTITY_LIFETIME));
        RequestOptions options = new RequestOptions().setMethod(method).setHost(replica.getHost())
                .setPort(replica.getPort()).setURI(pathAndQuery).setTimeout(config.timeout().toMillis())
                .putHeader(InternalIdentityCodec.HEADER, masterKey.identityCodec()
                        .sign(forCall, new RequestBinding(method.name(), authority, pathAndQuery)))
                .putHeader("Accept", "application/json");
        return http.request(options)
                .onFailure().transform(e -> new ReplicaUnreachableException())
                .chain(request -> {
                    Uni<HttpClientResponse> sent;
                    if (json == null) {
                        sent = request.send();
                    } else {
                        request.putHeader("Content-Type", "application/json");
                        sent = request.send(Buffer.buffer(json));
                    }
                    return sent.chain(response -> response.body().map(body -> answer(response, body)));
                })
                .onFailure(e -> !(e instanceof KeyServiceUnavailableException))
                .transform(e -> e instanceof ConnectException ? new ReplicaUnreachableException()
                        : new KeyServiceUnavailableException("key-service did not answer; try again"))
                .invoke(answer -> {
                    if (answer.status() >= 500) {
                        throw new KeyServiceUnavailableException("key-service failed to answer (" + answer.status() + "); try again");
                    }
                });
    }

    private static Answer answer(HttpClientResponse response, Buffer body) {
        long retryAfter = -1;
        String header = response.getHeader("Retry-After");
        if (header != null) {
            try {
                retryAfter = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                retryAfter = -1;
            }
        }
        return new Answer(response.statusCode(), body.getBytes(), retryAfter);
    }
}
