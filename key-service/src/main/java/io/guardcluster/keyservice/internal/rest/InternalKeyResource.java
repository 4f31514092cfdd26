package io.guardcluster.keyservice.internal.rest;

import java.util.Base64;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.internal.RecipientService;
import io.guardcluster.keyservice.internal.SessionKeyService;
import io.guardcluster.keyservice.unlock.Unlock;
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

    private static final int MAX_PACKETS_BASE64 = 64 * 1024;

    private final SessionKeyService sessionKeys;
    private final RecipientService recipients;
    private final CurrentIdentity identity;

    InternalKeyResource(SessionKeyService sessionKeys, RecipientService recipients, CurrentIdentity identity) {
        this.sessionKeys = sessionKeys;
        this.recipients = recipients;
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
}
