package io.guardcluster.keyservice.key;

import java.time.Instant;
import java.util.Optional;

/**
 * One of a user's own keys as stored: the public key as published and the secret key protected under
 * the user's key-protection secret (see {@code KeyProtectionSecret}).
 */
public record UserKey(long id, int contextId, int userId, String fingerprint, String keyId, int version, String algorithm,
        boolean current, byte[] publicKey, byte[] secretKey, Instant created, Optional<Instant> expires,
        Optional<Instant> revoked, Optional<String> revocationReason) {

    @Override
    public String toString() {
        return "UserKey[" + fingerprint + "]";
    }
}
