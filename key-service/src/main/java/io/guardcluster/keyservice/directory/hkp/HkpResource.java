package io.guardcluster.keyservice.directory.hkp;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.directory.DirectoryConfig;
import io.guardcluster.keyservice.directory.DirectoryMetrics;
import io.guardcluster.keyservice.directory.DirectoryMetrics.Method;
import io.guardcluster.keyservice.directory.DirectoryResponses;
import io.guardcluster.keyservice.directory.openpgp.PublicKeys;
import io.guardcluster.keyservice.directory.repository.DirectoryKey;
import io.guardcluster.keyservice.directory.repository.DirectoryRepository;
import io.smallrye.mutiny.Uni;

/**
 * The HKP key server (draft-gallagher-openpgp-hkp), read-only and exact-match only; no login.
 *
 * <ul>
 * <li>{@code GET /pks/lookup?op=get&search=…}: the matching keys as one armored block
 * ({@code application/pgp-keys}), with any revocation signatures; what {@code gpg --recv-keys}
 * imports. {@code options=mr} is implied.</li>
 * <li>{@code op=index} and {@code op=vindex}: the machine-readable index ({@code text/plain}),
 * always, with or without {@code options=mr} (there is no HTML index; vindex is the same listing:
 * signatures are not listed).</li>
 * <li>{@code op=stats} and other ops registered with HKP: 501; unknown ops: 400.</li>
 * <li>No match: 404. A search that is not an exact address, key id or fingerprint: 400 (see
 * {@link HkpSearch}).</li>
 * <li>{@code /pks/add}: refused, keys are published only through Guard.</li>
 * </ul>
 */
@Path("/pks")
public class HkpResource {

    static final String PGP_KEYS = "application/pgp-keys";
    static final String TEXT = "text/plain; charset=utf-8";

    private final DirectoryRepository repository;
    private final DirectoryMetrics metrics;
    private final DirectoryResponses responses;
    private final DirectoryConfig config;

    public HkpResource(DirectoryRepository repository, DirectoryMetrics metrics, DirectoryResponses responses,
            DirectoryConfig config) {
        this.repository = repository;
        this.metrics = metrics;
        this.responses = responses;
        this.config = config;
    }

    @GET
    @Path("lookup")
    public Uni<Response> lookup(@RestQuery String op, @RestQuery String search) {
        Method method = method(op);
        return metrics.counted(method, () -> answer(method, op, search));
    }

    private Uni<Response> answer(Method method, String op, String search) {
        if (method == Method.HKP_OTHER) {
            if (op == null || op.isBlank()) {
                throw GuardProblemException.badRequest("hkp-op-missing", "the op parameter is required: get, index or vindex");
            }
            if (op.equalsIgnoreCase("stats") || op.equalsIgnoreCase("hget") || op.toLowerCase(Locale.ROOT).startsWith("x-")) {
                throw new GuardProblemException(501, "hkp-op-not-implemented", "Not implemented",
                        "this key server supports op=get, op=index and op=vindex only");
            }
            throw GuardProblemException.badRequest("hkp-op-unknown", "unknown op; use get, index or vindex");
        }
        HkpSearch query = HkpSearch.parse(search);
        Uni<List<DirectoryKey>> found = switch (query) {
            case HkpSearch.Email email -> repository.byEmail(email.address());
            case HkpSearch.KeyId keyId -> repository.byKeyId(keyId.hex());
            case HkpSearch.Fingerprint fingerprint -> repository.byFingerprint(fingerprint.hex());
        };
        return found.map(keys -> {
            if (keys.isEmpty()) {
                throw GuardProblemException.notFound("hkp-no-key", "no key matches this search");
            }
            if (method == Method.HKP_GET) {
                return responses.ok(PublicKeys.armor(keys.stream().map(DirectoryKey::publicKey).toList()), PGP_KEYS);
            }
            Instant now = Instant.now();
            return responses.ok(HkpIndex.format(keys.stream().map(k -> PublicKeys.summarise(k.publicKey())).toList(), now),
                    TEXT);
        });
    }

    private static Method method(String op) {
        if (op == null) {
            return Method.HKP_OTHER;
        }
        return switch (op.toLowerCase(Locale.ROOT)) {
            case "get" -> Method.HKP_GET;
            case "index" -> Method.HKP_INDEX;
            case "vindex" -> Method.HKP_VINDEX;
            default -> Method.HKP_OTHER;
        };
    }

    @POST
    @Path("add")
    public Uni<Response> add() {
        return Uni.createFrom().failure(this::refuseSubmission);
    }

    @GET
    @Path("add")
    public Uni<Response> addByGet() {
        return add();
    }

    private GuardProblemException refuseSubmission() {
        GuardProblemException refusal = config.hkp().addEnabled()
                ? new GuardProblemException(501, "hkp-submission-not-implemented", "Not implemented",
                        "key submission is enabled in the configuration, but this version does not implement it")
                : new GuardProblemException(403, "hkp-submission-disabled", "Forbidden",
                        "this directory publishes only the keys of Guard users, managed in Guard; submission over HKP is disabled");
        metrics.failed(Method.HKP_ADD, refusal);
        return refusal;
    }
}
