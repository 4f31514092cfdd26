package io.guardcluster.keyservice.directory.wkd;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestPath;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.directory.DirectoryConfig;
import io.guardcluster.keyservice.directory.DirectoryMetrics;
import io.guardcluster.keyservice.directory.DirectoryMetrics.Method;
import io.guardcluster.keyservice.directory.DirectoryResponses;
import io.guardcluster.keyservice.directory.MailAddress;
import io.guardcluster.keyservice.directory.openpgp.PublicKeys;
import io.guardcluster.keyservice.directory.repository.DirectoryKey;
import io.guardcluster.keyservice.directory.repository.DirectoryRepository;
import io.smallrye.mutiny.Uni;

/**
 * The Web Key Directory (draft-koch-openpgp-webkey-service), no login.
 *
 * <ul>
 * <li>Direct method {@code GET /.well-known/openpgpkey/hu/<hash>} for the domain the request was sent
 * to ({@code X-Forwarded-Host}, else {@code Host}); advanced method
 * {@code GET /.well-known/openpgpkey/<domain>/hu/<hash>}. {@code <hash>} is the z-base-32 SHA-1 of
 * the lower-cased local part. The answer is the user's current key, binary
 * ({@code application/octet-stream}), with only the user IDs that carry the address, and with its
 * revocation if revoked. The key is found by the hash itself (an index over the users' addresses,
 * V3 migration), so the {@code l=} parameter is neither needed nor trusted: old clients that do not
 * send it get the same answer.</li>
 * <li>{@code GET /.well-known/openpgpkey/policy} and {@code /<domain>/policy}: an empty policy file
 * for a served domain (no submission service is offered).</li>
 * <li>Unknown address, unknown or unserved domain, malformed hash: 404.</li>
 * </ul>
 */
@Path("/.well-known/openpgpkey")
public class WkdResource {

    static final String OCTETS = "application/octet-stream";
    static final String TEXT = "text/plain; charset=utf-8";

    private final DirectoryRepository repository;
    private final DirectoryMetrics metrics;
    private final DirectoryResponses responses;
    private final List<String> configuredDomains;

    public WkdResource(DirectoryRepository repository, DirectoryMetrics metrics, DirectoryResponses responses,
            DirectoryConfig config) {
        this.repository = repository;
        this.metrics = metrics;
        this.responses = responses;
        this.configuredDomains = config.wkd().domains().orElse(List.of()).stream()
                .map(d -> MailAddress.domain(d).orElseThrow(
                        () -> new IllegalArgumentException("guard.directory.wkd.domains: not a domain: " + d)))
                .toList();
    }

    @GET
    @Path("hu/{hash}")
    public Uni<Response> direct(@RestPath String hash, @HeaderParam("X-Forwarded-Host") String forwardedHost,
            @HeaderParam(HttpHeaders.HOST) String host) {
        return metrics.counted(Method.WKD_DIRECT, () -> key(domain(requestHost(forwardedHost, host), true), hash));
    }

    @GET
    @Path("{domain}/hu/{hash}")
    public Uni<Response> advanced(@RestPath String domain, @RestPath String hash) {
        return metrics.counted(Method.WKD_ADVANCED, () -> key(domain(MailAddress.domain(domain), false), hash));
    }

    @GET
    @Path("policy")
    public Uni<Response> directPolicy(@HeaderParam("X-Forwarded-Host") String forwardedHost,
            @HeaderParam(HttpHeaders.HOST) String host) {
        return metrics.counted(Method.WKD_POLICY, () -> policy(domain(requestHost(forwardedHost, host), true)));
    }

    @GET
    @Path("{domain}/policy")
    public Uni<Response> advancedPolicy(@RestPath String domain) {
        return metrics.counted(Method.WKD_POLICY, () -> policy(domain(MailAddress.domain(domain), false)));
    }


    private Uni<Response> key(String domain, String hash) {
        byte[] localPartSha1 = WkdHash.decode(hash).orElseThrow(WkdResource::noKey);
        return repository.byWkdHash(domain, localPartSha1).map(keys -> {
            if (keys.isEmpty()) {
                throw noKey();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (DirectoryKey key : keys) {
                out.writeBytes(PublicKeys.onlyUserIdsFor(key.publicKey(), key.ownerEmail()));
            }
            return responses.ok(out.toByteArray(), OCTETS);
        });
    }

    private Uni<Response> policy(String domain) {
        Uni<Boolean> served = configuredDomains.isEmpty() ? repository.hasUsersIn(domain) : Uni.createFrom().item(true);
        return served.map(known -> {
            if (!known) {
                throw GuardProblemException.notFound("wkd-unknown-domain", "this directory does not serve keys for the domain");
            }
            // An empty policy: no submission address, no protocol options (draft-koch, "Policy Flags").
            return responses.ok("", TEXT);
        });
    }

    /**
     * The domain to answer for: one of the configured domains (for the direct method, the only
     * configured domain also stands in for a host that is not a mail domain, e.g. a replica address
     * behind a proxy), or with none configured any well-formed domain.
     */
    private String domain(Optional<String> requested, boolean direct) {
        if (configuredDomains.isEmpty()) {
            return requested.orElseThrow(WkdResource::unknownDomain);
        }
        if (requested.isPresent() && configuredDomains.contains(requested.get())) {
            return requested.get();
        }
        if (direct && configuredDomains.size() == 1) {
            return configuredDomains.get(0);
        }
        throw unknownDomain();
    }

    /** The host name (without port) of {@code X-Forwarded-Host} (first hop) or else {@code Host}. */
    static Optional<String> requestHost(String forwardedHost, String host) {
        String value = forwardedHost != null && !forwardedHost.isBlank() ? forwardedHost.split(",")[0] : host;
        if (value == null) {
            return Optional.empty();
        }
        value = value.strip().toLowerCase(Locale.ROOT);
        int colon = value.lastIndexOf(':');
        if (colon >= 0 && !value.contains("]")) {
            value = value.substring(0, colon);
        }
        return MailAddress.domain(value);
    }

    private static GuardProblemException noKey() {
        return GuardProblemException.notFound("wkd-no-key", "no key is published for this address");
    }

    private static GuardProblemException unknownDomain() {
        return GuardProblemException.notFound("wkd-unknown-domain", "this directory does not serve keys for the domain");
    }
}
