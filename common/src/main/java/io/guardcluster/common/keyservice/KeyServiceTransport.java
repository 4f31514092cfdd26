package io.guardcluster.common.keyservice;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.internalcall.InternalCaller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;

/**
 * Calls to a key-service replica ({@link InternalCaller}: Stork picks it, an identity signed for exactly that
 * request) under SmallRye Fault Tolerance: a call that could not connect goes to another replica (nothing was sent,
 * so any call may move); a GET is also retried after a 5xx or a lost answer; a circuit breaker stops calling a
 * key-service that keeps failing.
 */
@ApplicationScoped
class KeyServiceTransport {

    /** Not even connected: safe to send anywhere else. */
    static final class ReplicaUnreachableException extends KeyServiceUnavailableException {
        ReplicaUnreachableException() {
            super("key-service is unreachable; try again shortly");
        }
    }

    private final InternalCaller caller;

    KeyServiceTransport(Vertx vertx, ClusterMasterKey masterKey, KeyServiceConfig config) {
        this.caller = new InternalCaller(vertx, masterKey, config.serviceName(), config.connectTimeout(), config.timeout(),
                ReplicaUnreachableException::new, KeyServiceUnavailableException::new);
    }

    @PreDestroy
    void close() {
        caller.close();
    }

    InternalCaller caller() {
        return caller;
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = KeyServiceUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = KeyServiceUnavailableException.class)
    @Timeout(value = 10_000)
    Uni<InternalCaller.Answer> get(InternalIdentity user, String pathAndQuery) {
        return caller.call(HttpMethod.GET, user, pathAndQuery, null);
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = ReplicaUnreachableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = KeyServiceUnavailableException.class)
    @Timeout(value = 10_000)
    Uni<InternalCaller.Answer> post(InternalIdentity user, String pathAndQuery, byte[] json) {
        return caller.call(HttpMethod.POST, user, pathAndQuery, json == null ? null : InternalCaller.Body.json(json));
    }

    /** A POST or PUT of any content with extra headers (e.g. the data to sign, the unlock in headers). */
    @Retry(maxRetries = 1, delay = 0, retryOn = ReplicaUnreachableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = KeyServiceUnavailableException.class)
    @Timeout(value = 30_000)
    Uni<InternalCaller.Answer> send(HttpMethod method, InternalIdentity user, String pathAndQuery, InternalCaller.Body body) {
        return caller.call(method, user, pathAndQuery, body);
    }
}
