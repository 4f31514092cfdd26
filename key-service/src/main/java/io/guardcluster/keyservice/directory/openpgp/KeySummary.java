package io.guardcluster.keyservice.directory.openpgp;

import java.time.Instant;
import java.util.List;

/**
 * What an HKP index shows of a key, read from the key data itself.
 *
 * @param fingerprint upper-case hex of the primary key's fingerprint
 * @param algorithm   OpenPGP public-key algorithm id of the primary key (22 EdDSA, 1 RSA...)
 * @param bits        key length as GnuPG shows it (255 for Curve25519 keys)
 * @param created     creation time of the primary key
 * @param expires     when the primary key expires, or null
 * @param revoked     whether the primary key carries a revocation signature
 * @param userIds     the user IDs, in key order
 */
public record KeySummary(String fingerprint, int algorithm, int bits, Instant created, Instant expires, boolean revoked,
        List<UserId> userIds) {

    /** A user ID as raw bytes (UTF-8 by convention, but not guaranteed), and whether it was revoked. */
    public record UserId(byte[] raw, boolean revoked) {
    }
}
