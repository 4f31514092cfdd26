package io.guardcluster.common.pgp.message;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

/**
 * The public keys a signature inside a message may be checked with, found by the signature's issuer. Given to {@link
 * MessageDecryptor#decrypt(java.io.InputStream, SessionKey, SignerKeys)} before decryption starts (the caller fetches
 * the sender's keys while the session key is being decrypted), because a one-pass signature must be set up with its
 * key before the data it covers streams past.
 */
@FunctionalInterface
public interface SignerKeys {

    /** No keys: every signature is reported with {@link SignatureCheck.Status#UNKNOWN_KEY}. */
    SignerKeys NONE = keyId -> Optional.empty();

    /** The (sub)key whose key id is {@code keyId}, if known. */
    Optional<PGPPublicKey> find(long keyId);

    /** Every key and subkey of {@code rings}. */
    static SignerKeys of(Collection<PGPPublicKeyRing> rings) {
        List<PGPPublicKeyRing> copy = List.copyOf(rings);
        return keyId -> copy.stream().map(ring -> ring.getPublicKey(keyId)).filter(java.util.Objects::nonNull).findFirst();
    }
}
