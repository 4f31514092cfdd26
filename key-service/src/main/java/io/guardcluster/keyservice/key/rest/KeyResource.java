package io.guardcluster.keyservice.key.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.key.KeyService;
import io.guardcluster.keyservice.key.KeyView;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.unlock.Unlock;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/keys}: the user's own keys. Operations that use the private key take the Guard password
 * ({@code "password"}) or an unlock token ({@code "unlockToken"}) in the JSON body.
 */
@Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {

    public static final String PGP_KEYS = "application/pgp-keys";

    /** A private key upload: armored text in {@code key}, or binary as base64 in {@code keyBase64}. */
    public record ImportRequest(String key, String keyBase64, String keyPassword, String password, String unlockToken,
            Boolean makeCurrent) {
        @Override
        public String toString() {
            return "ImportRequest[redacted]";
        }
    }

    /** {@code include}: "private" (default) or "both" (public key block, then the private one). */
    public record ExportRequest(String password, String unlockToken, String exportPassword, String include) {
        @Override
        public String toString() {
            return "ExportRequest[redacted]";
        }
    }

    public record UserIdRequest(String userId, String password, String unlockToken) {
        @Override
        public String toString() {
            return "UserIdRequest[redacted]";
        }
    }

    /** {@code reason}: no_reason, superseded, compromised, retired. */
    public record RevokeRequest(String reason, String description, String password, String unlockToken) {
        @Override
        public String toString() {
            return "RevokeRequest[redacted]";
        }
    }

    public record UnlockOnly(String password, String unlockToken) {
        @Override
        public String toString() {
            return "UnlockOnly[redacted]";
        }
    }

    private final KeyService keys;
    private final CurrentIdentity identity;

    KeyResource(KeyService keys, CurrentIdentity identity) {
        this.keys = keys;
        this.identity = identity;
    }

    @GET
    public Uni<List<KeyView>> list() {
        return keys.list(identity.get());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public Uni<KeyView> generate(KeyService.GenerateRequest request) {
        return keys.generate(identity.get(), request == null ? new KeyService.GenerateRequest(null, null, null, null, null, null)
                : request);
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public Uni<List<KeyView>> importPrivate(ImportRequest request) {
        if (request == null) {
            throw GuardProblemException.badRequest("key-required", "send the private key as \"key\" (armored) or \"keyBase64\"");
        }
        byte[] upload = upload(request.key(), request.keyBase64());
        return keys.importPrivate(identity.get(), upload, request.keyPassword(),
                new Unlock(request.password(), request.unlockToken()), request.makeCurrent() == null || request.makeCurrent());
    }

    @GET
    @Path("/{fingerprint}/public")
    @Produces(PGP_KEYS)
    public Uni<String> exportPublic(@PathParam("fingerprint") String fingerprint) {
        return keys.exportPublic(identity.get(), fingerprint);
    }

    @POST
    @Path("/{fingerprint}/export")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(PGP_KEYS)
    public Uni<String> exportPrivate(@PathParam("fingerprint") String fingerprint, ExportRequest request) {
        ExportRequest body = request == null ? new ExportRequest(null, null, null, null) : request;
        String include = body.include() == null ? "private" : body.include().toLowerCase(Locale.ROOT);
        if (!include.equals("private") && !include.equals("both")) {
            throw GuardProblemException.badRequest("invalid-include", "\"include\" is \"private\" or \"both\"");
        }
        Uni<String> privateKey = keys.exportPrivate(identity.get(), fingerprint,
                new Unlock(body.password(), body.unlockToken()), body.exportPassword());
        if (include.equals("private")) {
            return privateKey;
        }
        return privateKey.chain(secret -> keys.exportPublic(identity.get(), fingerprint).map(pub -> pub + secret));
    }

    @PUT
    @Path("/{fingerprint}/current")
    public Uni<KeyView> makeCurrent(@PathParam("fingerprint") String fingerprint) {
        return keys.makeCurrent(identity.get(), fingerprint);
    }

    @POST
    @Path("/{fingerprint}/user-ids")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<KeyView> addUserId(@PathParam("fingerprint") String fingerprint, UserIdRequest request) {
        UserIdRequest body = request == null ? new UserIdRequest(null, null, null) : request;
        return keys.addUserId(identity.get(), fingerprint, body.userId(), new Unlock(body.password(), body.unlockToken()));
    }

    @POST
    @Path("/{fingerprint}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<KeyView> revoke(@PathParam("fingerprint") String fingerprint, RevokeRequest request) {
        RevokeRequest body = request == null ? new RevokeRequest(null, null, null, null) : request;
        OpenPgpKeys.RevocationReason reason;
        try {
            reason = body.reason() == null ? OpenPgpKeys.RevocationReason.NO_REASON
                    : OpenPgpKeys.RevocationReason.valueOf(body.reason().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw GuardProblemException.badRequest("invalid-reason",
                    "\"reason\" is one of no_reason, superseded, compromised, retired");
        }
        return keys.revoke(identity.get(), fingerprint, reason, body.description(),
                new Unlock(body.password(), body.unlockToken()));
    }

    @DELETE
    @Path("/{fingerprint}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Void>> delete(@PathParam("fingerprint") String fingerprint, UnlockOnly request) {
        UnlockOnly body = request == null ? new UnlockOnly(null, null) : request;
        return keys.delete(identity.get(), fingerprint, new Unlock(body.password(), body.unlockToken()))
                .map(done -> RestResponse.noContent());
    }

    // --- keyring of correspondents' public keys ---

    @GET
    @Path("/keyring")
    public Uni<List<KeyView>> keyring() {
        return keys.keyring(identity.get());
    }

    @POST
    @Path("/keyring")
    @Consumes({ PGP_KEYS, MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_PLAIN })
    public Uni<List<KeyView>> importPublic(byte[] upload) {
        return keys.importPublic(identity.get(), upload == null ? new byte[0] : upload);
    }

    @DELETE
    @Path("/keyring/{fingerprint}")
    public Uni<RestResponse<Void>> deleteFromKeyring(@PathParam("fingerprint") String fingerprint) {
        return keys.deleteFromKeyring(identity.get(), fingerprint).map(done -> RestResponse.noContent());
    }

    private static byte[] upload(String armored, String base64) {
        if (armored != null && base64 != null) {
            throw GuardProblemException.badRequest("key-required", "send either \"key\" or \"keyBase64\", not both");
        }
        if (armored != null) {
            return armored.getBytes(StandardCharsets.UTF_8);
        }
        if (base64 == null) {
            throw GuardProblemException.badRequest("key-required", "send the private key as \"key\" (armored) or \"keyBase64\"");
        }
        try {
            // Strict: a MIME decoder would skip foreign characters and turn garbage into "no key".
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw GuardProblemException.badRequest("invalid-base64", "\"keyBase64\" is not valid base64");
        }
    }
}
