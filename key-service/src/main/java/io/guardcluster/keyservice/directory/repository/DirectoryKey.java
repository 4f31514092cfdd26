package io.guardcluster.keyservice.directory.repository;

/**
 * One of a Guard user's own keys as the directory serves it.
 *
 * @param row         {@code guard_key.id}
 * @param fingerprint upper-case hex (40 digits for v4, 64 for v6)
 * @param publicKey   the binary transferable public key, including any revocation signature
 * @param current     whether it is the user's current key
 * @param revoked     whether Guard recorded a revocation ({@code revoked_at}); the key data carries the
 *                    revocation signature itself
 * @param ownerEmail  the owner's primary address ({@code guard_user.email})
 */
public record DirectoryKey(long row, String fingerprint, byte[] publicKey, boolean current, boolean revoked,
        String ownerEmail) {
}
