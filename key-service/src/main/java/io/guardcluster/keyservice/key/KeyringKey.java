package io.guardcluster.keyservice.key;

import java.time.Instant;
import java.util.Optional;

/** A correspondent's public key in a user's own keyring. */
public record KeyringKey(long id, String fingerprint, String keyId, int version, String algorithm, byte[] publicKey,
        Instant created, Optional<Instant> expires, Optional<Instant> revoked) {
}
