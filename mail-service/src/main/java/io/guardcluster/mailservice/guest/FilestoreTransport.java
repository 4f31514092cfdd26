package io.guardcluster.mailservice.guest;

import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.internalcall.InternalCaller;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.config.MailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.Vertx;

/**
 * Calls to a filestore-service replica (guest messages are stored there), as a user or a guest, under SmallRye Fault
 * Tolerance: connect failures move to another replica, GETs are retried once, a breaker stops calling a failing
 * filestore.
 */
@ApplicationScoped
class FilestoreTransport {

    /** filestore did not answer: the guest part of the request cannot go on now; 503. */
    static class FilestoreUnavailableException extends GuardProblemException {
        FilestoreUnavailableException(String detail) {
            super(503, "filestore-unavailable", "Service unavailable", detail, 2);
        }
    }

    static final class FilestoreUnreachableException extends FilestoreUnavailableException {
        FilestoreUnreachableException() {
            super("filestore-service is unreachable; try again shortly");
        }
    }

    private final InternalCaller caller;

    FilestoreTransport(Vertx vertx, ClusterMasterKey masterKey, MailConfig config) {
        MailConfig.Filestore filestore = config.filestore();
        this.caller = new InternalCaller(vertx, masterKey, filestore.serviceName(), Duration.ofSeconds(1),
                filestore.timeout(), FilestoreUnreachableException::new, FilestoreUnavailableException::new);
    }

    @PreDestroy
    void close() {
        caller.close();
    }

    InternalCaller caller() {
        return caller;
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = FilestoreUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = FilestoreUnavailableException.class)
    @Timeout(value = 30_000)
    Uni<InternalCaller.Answer> get(InternalIdentity user, String pathAndQuery) {
        return caller.call(HttpMethod.GET, user, pathAndQuery, null);
    }

    @Retry(maxRetries = 1, delay = 0, retryOn = FilestoreUnreachableException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, failOn = FilestoreUnavailableException.class)
    @Timeout(value = 60_000)
    Uni<InternalCaller.Answer> send(HttpMethod method, InternalIdentity user, String pathAndQuery, InternalCaller.Body body) {
        return caller.call(method, user, pathAndQuery, body);
    }
}
