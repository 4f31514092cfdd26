package io.guardcluster.keyservice.internal.rest;

import java.io.InputStream;
import java.util.Base64;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.guardcluster.common.http.HeaderText;
import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.internal.GuestService;
import io.guardcluster.keyservice.internal.RecipientService;
import io.guardcluster.keyservice.internal.SessionKeyService;
import io.guardcluster.keyservice.internal.SigningService;
import io.guardcluster.keyservice.unlock.Unlock;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/keys/internal}: what the other services (mail, files) ask key-service for, on behalf of
 * the user in the internal identity. Private keys never leave: session keys and signatures do.
 */
@Path("/api/keys/internal")
@Produces(MediaType.APPLICATION_JSON)
public class InternalKeyResource {

    /** {@code encryptedSessionKeys}: base64 of the message's PKESK packets (or of the message's start). */
    public record SessionKeyRequest(String encryptedSessionKeys, String password, String unlockToken) {
        @Override
        public String toString() {
            return "SessionKeyRequest[redacted]";
        }
    }

    /** {@code symmetricAlgorithm}: RFC 9580 id (9 = AES-256), 0 when the packet does not say (v6). */
    public record SessionKeyResponse(String fingerprint, int symmetricAlgorithm, String sessionKey) {
        @Override
        public String toString() {
            return "SessionKeyResponse[" + fingerprint + ", redacted]";
        }
    }

    /** A guest for an external address; {@code name} goes into the key's user ID ("Name &lt;address&gt;"). */
    public record GuestRequest(String email, String name) {
    }

    /** RFC 3156's type for a detached OpenPGP signature (armored or, with {@code armored=false}, binary). */
    public static final String PGP_SIGNATURE = "application/pgp-signature";
    /** The Guard password when signing (the body is the data, so the unlock travels in a header). */
    public static final String PASSWORD_HEADER = "X-Guard-Password";
    /** An unlock token when signing. */
    public static final String UNLOCK_TOKEN_HEADER = "X-Guard-Unlock-Token";

    private static final int MAX_PACKETS_BASE64 = 64 * 1024;

    private final SessionKeyService sessionKeys;
    private final RecipientService recipients;
    private final SigningService signing;
    private final GuestService guests;
    private final CurrentIdentity identity;

    InternalKeyResource(SessionKeyService sessionKeys, RecipientService recipients, SigningService signing,
            GuestService guests, CurrentIdentity identity) {
        this.sessionKeys = sessionKeys;
        this.recipients = recipients;
        this.signing = signing;
        this.guests = guests;
        this.identity = identity;
    }

    @POST
    @Path("/session-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SessionKeyResponse> decryptSessionKey(SessionKeyRequest request) {
        if (request == null || request.encryptedSessionKeys() == null || request.encryptedSessionKeys().isEmpty()) {
            throw GuardProblemException.badRequest("invalid-session-key-packets",
                    "send the message's encrypted session-key packets as base64 in \"encryptedSessionKeys\"");
        }
        if (request.encryptedSessionKeys().length() > MAX_PACKETS_BASE64) {
            throw new GuardProblemException(413, "too-large", "Payload too large",
                    "\"encryptedSessionKeys\" is larger than " + MAX_PACKETS_BASE64 + " characters: send only the packets");
        }
        byte[] packets;
        try {
            packets = Base64.getDecoder().decode(request.encryptedSessionKeys().replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw GuardProblemException.badRequest("invalid-base64", "\"encryptedSessionKeys\" is not valid base64");
        }
        return sessionKeys.decrypt(identity.get(), packets, new Unlock(request.password(), request.unlockToken()))
                .map(d -> new SessionKeyResponse(d.fingerprint(), d.symmetricAlgorithm(),
                        Base64.getEncoder().encodeToString(d.sessionKey())));
    }

    @GET
    @Path("/recipients")
    public Uni<RecipientService.Recipient> recipient(@QueryParam("email") String email) {
        return recipients.find(identity.get(), email);
    }

    /**
     * A detached signature over the request body with the user's current key. The body is the data itself (any
     * content type), so the unlock comes in {@value #PASSWORD_HEADER} or {@value #UNLOCK_TOKEN_HEADER}. Blocking
     * on purpose: Quarkus REST then hands the method a stream over the arriving body instead of buffering it, and
     * {@link SigningService} hashes it on a worker thread as it arrives.
     */
    @POST
    @Path("/sign")
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces({ PGP_SIGNATURE, MediaType.APPLICATION_JSON })
    public Uni<Response> sign(InputStream data, @QueryParam("text") @DefaultValue("false") boolean text,
            @QueryParam("armored") @DefaultValue("true") boolean armored, @HeaderParam(PASSWORD_HEADER) String password,
            @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        InternalIdentity user = identity.get();
        return signing.sign(user, data, new Unlock(HeaderText.utf8(password), unlockToken), text, armored)
                .map(signed -> Response.ok(signed.signature(), PGP_SIGNATURE)
                        .header("X-Guard-Key-Fingerprint", signed.fingerprint()).build());
    }

    /**
     * A guest account for an external address (idempotent): 201 with the guest's key and its initial password
     * when created, 200 with the key (and never a password) when the address already has a guest account or
     * belongs to a Guard user. See {@link GuestService}.
     */
    @POST
    @Path("/guests")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<GuestService.Guest>> guest(GuestRequest request) {
        if (request == null || request.email() == null || request.email().isBlank()) {
            throw GuardProblemException.badRequest("invalid-email", "send the guest's address as \"email\"");
        }
        return guests.create(identity.get(), request.email(), request.name())
                .map(guest -> guest.created() ? RestResponse.status(RestResponse.Status.CREATED, guest) : RestResponse.ok(guest));
    }
}
