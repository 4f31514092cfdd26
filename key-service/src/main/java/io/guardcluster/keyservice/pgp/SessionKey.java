package io.guardcluster.keyservice.pgp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A decrypted message session key.
 *
 * @param symmetricAlgorithm RFC 9580 symmetric algorithm id (e.g. 9 = AES-256); for a v6 PKESK the algorithm of the
 *                           SEIPDv2 packet if it followed the session keys, else 0
 * @param key                the key itself; {@link #clear()} it when done
 */
public record SessionKey(int symmetricAlgorithm, byte[] key) {

    public SessionKey {
        Objects.requireNonNull(key, "key");
    }

    /** The SOP / gpg {@code --override-session-key} form "ALGO:HEX" (e.g. "9:1A2B..."). Contains the key! */
    public String toSopString() {
        return symmetricAlgorithm + ":" + Bc.hex(key);
    }

    /** Overwrites the key bytes with zeros. */
    public void clear() {
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionKey that && symmetricAlgorithm == that.symmetricAlgorithm
                && java.security.MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return 31 * symmetricAlgorithm + key.length; // never derived from the key bytes
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SessionKey[symmetricAlgorithm=" + symmetricAlgorithm + ", key=(" + key.length + " bytes)]";
    }
}
