package io.guardcluster.common.pgp.message;

import java.util.Arrays;

import javax.security.auth.Destroyable;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPSessionKey;

/**
 * The symmetric key of one OpenPGP message: whoever holds it can read the message, and can give it to a new
 * recipient by encrypting it to their key ({@link EncryptedSessionKey#encrypt}) without touching the body.
 * <p>
 * Owns its key bytes: {@link #copyOf} takes a copy (the caller wipes its own array), {@link #destroy()} (or
 * {@link #close()}) zeroes them, and nothing but {@link #keyBytes()} hands them out, as a copy the caller must wipe.
 * {@link #toString()} never shows the key; there is no {@code equals} (a comparison of secrets belongs nowhere here).
 * Not thread-safe for use concurrent with {@link #destroy()}.
 */
public final class SessionKey implements Destroyable, AutoCloseable {

    /** RFC 9580 algorithm id 0 here means "not known yet": a v6 PKESK does not say; SEIPD v2 names it. */
    public static final int ALGORITHM_UNKNOWN = 0;

    private final int algorithm;
    private final byte[] key;
    private boolean destroyed;

    private SessionKey(int algorithm, byte[] key) {
        this.algorithm = algorithm;
        this.key = key;
    }

    /**
     * A session key from its parts; {@code key} is copied.
     *
     * @param algorithm RFC 9580 symmetric algorithm id (9 = AES-256), or {@link #ALGORITHM_UNKNOWN} (then only a SEIPD
     *                  v2 body, which names its algorithm, can be decrypted with it)
     * @throws IllegalArgumentException if the algorithm is unknown or the key length does not fit it
     */
    public static SessionKey copyOf(int algorithm, byte[] key) {
        int expected = keyLength(algorithm);
        if (key == null) {
            throw new IllegalArgumentException("no session key bytes");
        }
        boolean fits = algorithm == ALGORITHM_UNKNOWN
                ? key.length == 16 || key.length == 24 || key.length == 32
                : expected == key.length;
        if (!fits) {
            throw new IllegalArgumentException(expected < 0 && algorithm != ALGORITHM_UNKNOWN
                    ? "unsupported symmetric algorithm " + algorithm
                    : "a session key of " + key.length + " bytes does not fit symmetric algorithm " + algorithm);
        }
        return new SessionKey(algorithm, key.clone());
    }

    /** Takes BouncyCastle's session key (copied). */
    static SessionKey of(PGPSessionKey pgp) {
        byte[] bytes = pgp.getKey(); // already a copy
        try {
            return copyOf(pgp.getAlgorithm(), bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** RFC 9580 symmetric algorithm id, or {@link #ALGORITHM_UNKNOWN}. */
    public int algorithm() {
        return algorithm;
    }

    /** Key length in bytes. */
    public int length() {
        return key.length;
    }

    /** A copy of the key; the caller wipes it ({@code Arrays.fill(bytes, (byte) 0)}) when done. */
    public byte[] keyBytes() {
        checkNotDestroyed();
        return key.clone();
    }

    /**
     * BouncyCastle's form, for one operation: it holds (does not copy) the array it is given, so the caller wipes
     * {@code bytes} when the operation has taken the key (JCE and lightweight ciphers copy it at init).
     */
    PGPSessionKey toPgp(byte[] bytes) {
        return new PGPSessionKey(algorithm, bytes);
    }

    /** Zeroes the key. Idempotent. */
    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Same as {@link #destroy()}, for try-with-resources. */
    @Override
    public void close() {
        destroy();
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SessionKey[algorithm=" + algorithm + ", " + (destroyed ? "destroyed" : key.length + " bytes") + "]";
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("the session key has been destroyed");
        }
    }

    /** Key length in bytes of an RFC 9580 symmetric algorithm; -1 for plaintext (0) and unknown ids. */
    public static int keyLength(int algorithm) {
        return switch (algorithm) {
            case SymmetricKeyAlgorithmTags.IDEA, SymmetricKeyAlgorithmTags.CAST5, SymmetricKeyAlgorithmTags.BLOWFISH,
                    SymmetricKeyAlgorithmTags.AES_128, SymmetricKeyAlgorithmTags.CAMELLIA_128 -> 16;
            case SymmetricKeyAlgorithmTags.TRIPLE_DES, SymmetricKeyAlgorithmTags.AES_192,
                    SymmetricKeyAlgorithmTags.CAMELLIA_192 -> 24;
            case SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.TWOFISH,
                    SymmetricKeyAlgorithmTags.CAMELLIA_256 -> 32;
            default -> -1;
        };
    }
}
