package io.guardcluster.common.masterkey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import io.guardcluster.common.crypto.Hkdf;

/**
 * One 256-bit master secret from {@code oxguardpass}, with the id that sealed data carries.
 *
 * <p>The secret never leaves this object: callers get keys <em>derived</em> from it (one per
 * purpose, via HKDF) and its {@linkplain #fingerprint() fingerprint}, a one-way commitment that the
 * database stores so a node can tell whether its copy belongs to the cluster. {@link #toString()}
 * shows neither secret nor derived material. {@link #destroy()} zeroes the bytes.
 */
public final class MasterKey implements Destroyable {

    /** Length of every master secret, in bytes (256 bits). */
    public static final int LENGTH = 32;

    private static final byte[] FINGERPRINT_INFO = "guard-cluster/master-key-fingerprint/v1"
            .getBytes(StandardCharsets.US_ASCII);

    private final int id;
    private final byte[] secret;
    private final MasterKeyFingerprint fingerprint;
    private volatile boolean destroyed;

    /** Takes a copy of {@code secret}; the caller should wipe its own array. */
    public MasterKey(int id, byte[] secret) {
        if (id <= 0) {
            throw new IllegalArgumentException("master key id must be positive, was " + id);
        }
        if (secret == null || secret.length != LENGTH) {
            throw new IllegalArgumentException("a master key is exactly " + LENGTH + " bytes");
        }
        this.id = id;
        this.secret = secret.clone();
        byte[] commitment = Hkdf.deriveSha256(this.secret, null, FINGERPRINT_INFO, 32);
        this.fingerprint = MasterKeyFingerprint.of(commitment);
        Arrays.fill(commitment, (byte) 0);
    }

    public int id() {
        return id;
    }

    public MasterKeyFingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * A key for one purpose, derived with HKDF-SHA256 ({@code info} names the purpose). Different
     * purposes get independent keys, so a value sealed for one purpose cannot be opened as another.
     * The caller owns and should wipe the returned bytes.
     */
    public byte[] derive(String info, int length) {
        checkNotDestroyed();
        return Hkdf.deriveSha256(secret, null, info.getBytes(StandardCharsets.UTF_8), length);
    }

    /** The raw secret, only for writing {@code oxguardpass} itself. */
    byte[] secretForFile() {
        checkNotDestroyed();
        return secret.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(secret, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("master key " + id + " has been destroyed");
        }
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + ", secret=<redacted>]";
    }
}
