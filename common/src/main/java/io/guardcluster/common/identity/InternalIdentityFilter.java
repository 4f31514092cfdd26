package io.guardcluster.common.identity;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * Every service trusts only the gateway: a JAX-RS request without a valid, unused internal identity
 * issued for exactly this request is answered 401, except on the configured public paths. All
 * rejections look the same to the caller; the reason goes to a metric and the debug log.
 */
public class InternalIdentityFilter {

    private static final Logger LOG = Logger.getLogger(InternalIdentityFilter.class);

    private final ClusterMasterKey masterKey;
    private final CurrentIdentity current;
    private final List<String> publicPaths;
    private final ReplayGuard replayGuard = new ReplayGuard(Clock.systemUTC());
    private final MeterRegistry meters;

    InternalIdentityFilter(ClusterMasterKey masterKey, CurrentIdentity current, IdentityConfig config, MeterRegistry meters) {
        this.masterKey = masterKey;
        this.current = current;
        this.publicPaths = config.publicPaths().orElse(List.of());
        this.meters = meters;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> requireIdentity(HttpServerRequest request) {
        String path = request.path();
        if (publicPaths.stream().anyMatch(path::startsWith)) {
            return Optional.empty();
        }
        String token = request.getHeader(InternalIdentityCodec.HEADER);
        if (token == null) {
            return reject("missing", request);
        }
        try {
            InternalIdentityCodec.Verified verified = masterKey.identityCodec()
                    .verify(token, new RequestBinding(request.method().name(), authority(request), request.uri()));
            switch (replayGuard.use(verified.nonce(), verified.identity().expiresAt())) {
                case REPLAYED:
                    return reject("replayed", request);
                case FULL:
                    // Not the caller's fault and not a verdict on the identity: ask for a retry.
                    return answer("replay-guard-full", Response.status(503).header("Retry-After", "1"),
                            new Problem(Problem.type("busy"), "Service unavailable", 503,
                                    "this replica is handling too many requests right now; try again shortly", request.path()));
                case FIRST:
                    break;
            }
            current.set(verified.identity());
            return Optional.empty();
        } catch (InvalidIdentityException e) {
            LOG.debugf("rejected internal identity for %s %s: %s", request.method(), path, e.getMessage());
            return reject("invalid", request);
        }
    }

    /** host:port as the gateway addressed this replica; the port is explicit even when it is 80. */
    static String authority(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null) {
            return "";
        }
        return authority.host() + ":" + (authority.port() < 0 ? 80 : authority.port());
    }

    private Optional<Response> reject(String reason, HttpServerRequest request) {
        return answer(reason, Response.status(401), new Problem(Problem.type("identity-required"), "Unauthorized", 401,
                "this service only accepts requests forwarded by the gateway for a signed-in user", request.path()));
    }

    private Optional<Response> answer(String reason, Response.ResponseBuilder response, Problem problem) {
        meters.counter("guard.identity.rejected", "reason", reason).increment();
        return Optional.of(response.type(Problem.MEDIA_TYPE).entity(problem).build());
    }
}
