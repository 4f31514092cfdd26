package io.guardcluster.keyservice.account;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.security.auth.Destroyable;

import io.guardcluster.common.crypto.Hkdf;

/**
 * A user's key-protection secret: 32 random bytes that protect every private key of the user at rest
 * (as the OpenPGP S2K passphrase of the stored secret keys). The Guard password never touches the key
 * material directly: it only wraps this secret ({@link PasswordWrap}), so changing the password
 * rewraps 32 bytes instead of re-encrypting keys, and a password reset through recovery needs only
 * this secret, sealed with the master key.
 *
 * <p>Owns its bytes: {@link #destroy()} zeroes them. Never logged; {@link #toString()} says nothing.
 */
public final class KeyProtectionSecret implements Destroyable, AutoCloseable {

    public static final int LENGTH = 32;
    private static final byte[] STORAGE_INFO = "guard-cluster/key-storage/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private volatile boolean destroyed;

    private KeyProtectionSecret(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key-protection secret has " + LENGTH + " bytes");
        }
        this.bytes = bytes;
    }

    public static KeyProtectionSecret random(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new KeyProtectionSecret(bytes);
    }

    /** Takes ownership of {@code bytes}: the caller must not use or clear them afterwards. */
    public static KeyProtectionSecret takeOwnership(byte[] bytes) {
        return new KeyProtectionSecret(bytes);
    }

    /** A copy of the secret's bytes; the caller clears it when done. */
    public byte[] copyBytes() {
        check();
        return bytes.clone();
    }

    /**
     * The OpenPGP passphrase the stored secret keys are protected with. Derived (HKDF-SHA256) rather
     * than the raw bytes so the secret itself never becomes an S2K input; 256 bits of entropy, so the
     * S2K can use its minimum cost without weakening anything.
     */
    public char[] storagePassphrase() {
        check();
        byte[] derived = Hkdf.deriveSha256(bytes, null, STORAGE_INFO, 32);
        byte[] encoded = Base64.getEncoder().withoutPadding().encode(derived);
        char[] passphrase = new char[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            passphrase[i] = (char) encoded[i];
        }
        Arrays.fill(derived, (byte) 0);
        Arrays.fill(encoded, (byte) 0);
        return passphrase;
    }

    private void check() {
        if (destroyed) {
            throw new IllegalStateException("key-protection secret already destroyed");
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "KeyProtectionSecret[redacted]";
    }
}
