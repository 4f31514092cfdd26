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
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.common.problem.Problem;
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
@ApplicationScoped
public class KeyServiceClient {

    private static final String SLUG_PREFIX = Problem.type("");

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

    public record Recipient(String email, List<RecipientKey> keys) {
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

    /** Circuit open or overall timeout: key-service is unavailable for this request. */
    private static Uni<KeyServiceTransport.Answer> guarded(Uni<KeyServiceTransport.Answer> call) {
        return call.onFailure(CircuitBreakerOpenException.class)
                .transform(e -> new KeyServiceUnavailableException("key-service is unavailable (too many recent failures); try again shortly"))
                .onFailure(TimeoutException.class)
                .transform(e -> new KeyServiceUnavailableException("key-service did not answer in time; try again"));
    }

    /** A 2xx answer's JSON; key-service's problem for anything else (its 5xx never arrive here). */
    private JsonNode read(KeyServiceTransport.Answer answer) {
        JsonNode node;
        try {
            node = json.readTree(answer.body());
        } catch (java.io.IOException e) {
            node = null;
        }
        if (answer.status() / 100 == 2 && node != null) {
            return node;
        }
        if (node == null || !node.hasNonNull("type")) {
            throw new KeyServiceUnavailableException("key-service answered " + answer.status() + " without a problem description");
        }
        String type = node.path("type").asText();
        String slug = type.startsWith(SLUG_PREFIX) ? type.substring(SLUG_PREFIX.length()) : "key-service-" + answer.status();
        throw new GuardProblemException(answer.status(), slug, node.path("title").asText("Error"),
                node.path("detail").asText(""), answer.retryAfterSeconds());
    }

    private byte[] body(Map<String, String> fields) {
        try {
            return json.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
