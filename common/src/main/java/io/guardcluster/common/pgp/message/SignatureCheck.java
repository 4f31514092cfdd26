package io.guardcluster.common.pgp.message;

import java.time.Instant;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * The outcome of checking one signature of a message. Only the cryptography: whether the signing key was valid at
 * the signature's time (not expired, not revoked) is the caller's to judge, with {@link #key()}.
 *
 * @param issuerKeyId the key id the signature names (the signing subkey's), 16 upper-case hex digits
 * @param status      what the check found
 * @param created     the signature's creation time; empty if the signature could not be read
 * @param key         the key that verified it ({@link Status#VALID}) or failed to ({@link Status#BAD}); empty for
 *                    {@link Status#UNKNOWN_KEY}
 */
public record SignatureCheck(String issuerKeyId, Status status, Optional<Instant> created, Optional<PGPPublicKey> key) {

    public enum Status {
        /** The signature verifies with the issuer's key over exactly the data. */
        VALID,
        /** The issuer's key is known and the signature does not verify (changed data, forged, malformed). */
        BAD,
        /** No key with the issuer's key id was given. */
        UNKNOWN_KEY
    }

    static String hex(long keyId) {
        return String.format("%016X", keyId);
    }
}
