package io.guardcluster.common.keyservice;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.internalcall.InternalCaller;
import io.guardcluster.common.problem.GuardProblemException;
import io.smallrye.mutiny.Uni;

/**
 * What other services ask key-service on a user's behalf: decrypt the session key of a message the user can
 * read (the private key never leaves key-service) and find recipients' public keys. Each call carries an
 * internal identity this service signs for exactly that request (every replica holds the cluster's master key,
 * as the gateway does), for the user whose request is being served.
 *
 * <p>key-service's own answers to the user's mistakes (wrong password: 403, locked: 423, ...) come back as the
 * same {@link GuardProblemException}, so the user sees what key-service said. key-service unreachable, slow or
 * failing: {@link KeyServiceUnavailableException} (503).
 */
// key-service's answers are read into these records with Jackson: registered for a native image's reflection.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = { KeyServiceClient.RecipientKey.class,
        KeyServiceClient.UnusableKey.class, KeyServiceClient.Recipient.class, KeyServiceClient.Guest.class })
@ApplicationScoped
public class KeyServiceClient {


    private final KeyServiceTransport transport;
    private final ObjectMapper json;

    KeyServiceClient(KeyServiceTransport transport, ObjectMapper json) {
        this.transport = transport;
        this.json = json;
    }

    /** How the user unlocks their key for this call: the Guard password or an unlock token. */
    public record Unlock(String password, String unlockToken) {
        @Override
        public String toString() {
            return "Unlock[redacted]";
        }
    }

    /**
     * A message's session key. {@code algorithm}: RFC 9580 symmetric algorithm id (9 = AES-256); 0 if the
     * packet did not say (v6 PKESK). {@link #wipe()} it once used.
     */
    public record SessionKey(String fingerprint, int algorithm, byte[] key) {
        public void wipe() {
            Arrays.fill(key, (byte) 0);
        }

        @Override
        public String toString() {
            return "SessionKey[" + fingerprint + ", redacted]";
        }
    }

    /** A recipient's public key: {@code source} is where key-service found it (guard, keyring, wkd, hkp). */
    public record RecipientKey(String fingerprint, String source, String armored) {
    }

    /** A key key-service found for the address that must not be encrypted to: {@code reason} "revoked" or "expired". */
    public record UnusableKey(String fingerprint, String source, String reason, String armored) {
    }

    /**
     * {@code keys}: to encrypt to; {@code unusable}: revoked or expired keys found for the address (a recipient with
     * only these must be refused with that reason, not treated as one without a key).
     */
    public record Recipient(String email, List<RecipientKey> keys, List<UnusableKey> unusable) {
        public Recipient {
            keys = keys == null ? List.of() : List.copyOf(keys);
            unusable = unusable == null ? List.of() : List.copyOf(unusable);
        }
    }

    /**
     * The session key of the message whose encrypted session-key packets are {@code packets}, decrypted with the
     * user's key. Not retried once key-service may have seen it: a wrong password counts as a failed attempt.
     */
    public Uni<SessionKey> sessionKey(InternalIdentity user, byte[] packets, Unlock unlock) {
        byte[] body = body(Map.of("encryptedSessionKeys", Base64.getEncoder().encodeToString(packets),
                "password", unlock.password() == null ? "" : unlock.password(),
                "unlockToken", unlock.unlockToken() == null ? "" : unlock.unlockToken()));
        return guarded(transport.post(user, "/api/keys/internal/session-keys", body))
                .map(answer -> {
                    JsonNode node = read(answer);
                    return new SessionKey(node.path("fingerprint").asText(), node.path("symmetricAlgorithm").asInt(),
                            Base64.getDecoder().decode(node.path("sessionKey").asText()));
                });
    }

    /** The public keys of {@code email} as key-service finds them for this user (Guard users, keyring, WKD, HKP). */
    public Uni<Recipient> recipient(InternalIdentity user, String email) {
        String path = "/api/keys/internal/recipients?email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8);
        return guarded(transport.get(user, path)).map(answer -> {
            try {
                return json.treeToValue(read(answer), Recipient.class);
            } catch (JsonProcessingException e) {
                throw new KeyServiceUnavailableException("key-service answered something this service does not understand");
            }
        });
    }

    /** A detached signature made by key-service with the user's current key, and that key's fingerprint. */
    public record Signature(byte[] signature, String fingerprint) {
    }

    /**
     * A detached signature over {@code data} with the user's current key (binary signature type, or canonical text
     * with {@code text}); armored or binary. Not retried once key-service may have seen it (a wrong password counts).
     */
    public Uni<Signature> sign(InternalIdentity user, byte[] data, Unlock unlock, boolean text, boolean armored) {
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        if (unlock.unlockToken() != null && !unlock.unlockToken().isEmpty()) {
            headers.put("X-Guard-Unlock-Token", unlock.unlockToken());
        }
        if (unlock.password() != null && !unlock.password().isEmpty()) {
            // Headers are ISO-8859-1 on the wire; key-service decodes this as UTF-8 (HeaderText.utf8).
            headers.put("X-Guard-Password", new String(unlock.password().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        String path = "/api/keys/internal/sign?text=" + text + "&armored=" + armored;
        return guarded(transport.send(io.vertx.core.http.HttpMethod.POST, user, path,
                new InternalCaller.Body(data, "application/octet-stream", headers)))
                .map(answer -> {
                    if (answer.status() / 100 != 2) {
                        read(answer); // throws key-service's problem
                    }
                    String fingerprint = answer.header("X-Guard-Key-Fingerprint");
                    return new Signature(answer.body(), fingerprint == null ? "" : fingerprint);
                });
    }

    /**
     * A guest for {@code email} (key-service's guest account: created with an initial password, or the existing
     * account's key, or a Guard user's key). {@code initialPassword} only when created.
     */
    public record Guest(String email, boolean guest, boolean created, Integer contextId, Integer userId,
            RecipientKey key, String initialPassword) {
        @Override
        public String toString() {
            return "Guest[" + email + ", created=" + created + ", password=redacted]";
        }
    }

    public Uni<Guest> guest(InternalIdentity user, String email, String name) {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        fields.put("email", email);
        if (name != null) {
            fields.put("name", name);
        }
        return guarded(transport.post(user, "/api/keys/internal/guests", body(fields))).map(answer -> {
            try {
                return json.treeToValue(read(answer), Guest.class);
            } catch (JsonProcessingException e) {
                throw new KeyServiceUnavailableException("key-service answered something this service does not understand");
            }
        });
    }

    /** An unlock token: the Guard password remembered for a while, valid on every key-service replica. */
    public record UnlockToken(String unlockToken, java.time.Instant expiresAt) {
        @Override
        public String toString() {
            return "UnlockToken[redacted, " + expiresAt + "]";
        }
    }

    /**
     * An unlock token for {@code user}'s Guard password (key-service's {@code POST /api/keys/unlock}); a temporary
     * password answers 403 {@code password-change-required}, a wrong one 403, too many 423.
     */
    public Uni<UnlockToken> unlock(InternalIdentity user, String password, int rememberMinutes) {
        byte[] request;
        try {
            request = json.writeValueAsBytes(Map.of("password", password, "rememberMinutes", rememberMinutes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return guarded(transport.post(user, "/api/keys/unlock", request)).map(answer -> {
            JsonNode node = read(answer);
            return new UnlockToken(node.path("unlockToken").asText(), java.time.Instant.parse(node.path("expiresAt").asText()));
        });
    }

    /** Changes {@code user}'s Guard password (key-service's {@code PUT /api/keys/password}). */
    public Uni<Void> changePassword(InternalIdentity user, String currentPassword, String newPassword) {
        return guarded(transport.send(io.vertx.core.http.HttpMethod.PUT, user, "/api/keys/password",
                InternalCaller.Body.json(body(Map.of("currentPassword", currentPassword, "newPassword", newPassword)))))
                .map(answer -> {
                    read(answer);
                    return null;
                });
    }

    /** Adds public keys (armored or binary) to {@code user}'s keyring of correspondents' keys. */
    public Uni<Void> importKeyring(InternalIdentity user, byte[] publicKeys) {
        return guarded(transport.send(io.vertx.core.http.HttpMethod.POST, user, "/api/keys/keyring",
                new InternalCaller.Body(publicKeys, "application/pgp-keys", Map.of())))
                .map(answer -> {
                    read(answer);
                    return null;
                });
    }

    /** Circuit open or overall timeout: key-service is unavailable for this request. */
    private static Uni<InternalCaller.Answer> guarded(Uni<InternalCaller.Answer> call) {
        return call.onFailure(CircuitBreakerOpenException.class)
                .transform(e -> new KeyServiceUnavailableException("key-service is unavailable (too many recent failures); try again shortly"))
                .onFailure(TimeoutException.class)
                .transform(e -> new KeyServiceUnavailableException("key-service did not answer in time; try again"));
    }

    /** A 2xx answer's JSON; key-service's problem for anything else (its 5xx never arrive here). */
    private JsonNode read(InternalCaller.Answer answer) {
        return transport.caller().read(json, answer);
    }

    private byte[] body(Map<String, String> fields) {
        try {
            return json.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
