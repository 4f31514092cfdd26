package io.guardcluster.common.seal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.guardcluster.common.masterkey.MasterKey;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Seals database items (recovery data, cached keys, tokens) with the cluster's master key.
 *
 * <h2>Guarantees</h2>
 * Confidentiality and integrity with AES-256-GCM. Each purpose (e.g. {@code "key-cache"},
 * {@code "recovery"}) has its own key, HKDF-SHA256 derived from the master key with info
 * {@code "guard-cluster/seal/v1/" + purpose}, and the purpose is also bound as associated data:
 * an item sealed for one purpose never opens as another. New items use the current master key;
 * items sealed under an older key in the ring still open, which is what makes rotation possible.
 *
 * <h2>Format, version 1 (pinned by {@code SealerTest}'s golden vectors)</h2>
 * <pre>
 * offset  size  field
 * 0       1     format version, 0x01
 * 1       4     master key id, unsigned big-endian
 * 5       12    GCM nonce (random per item)
 * 17      n+16  AES-256-GCM ciphertext of the n plaintext bytes, then the 16-byte tag
 * associated data: the first 5 bytes (version, key id) followed by the purpose in UTF-8
 * </pre>
 * Random 96-bit nonces are safe for far more than 2^32 items per derived key, well beyond what
 * one master key seals before rotation.
 */
public final class Sealer {

    /** The only format version this code writes and reads. */
    public static final byte VERSION_1 = 0x01;

    static final int HEADER_LENGTH = 1 + 4;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int KEY_LENGTH = 32;
    private static final String INFO_PREFIX = "guard-cluster/seal/v1/";
    private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");

    private final MasterKeyRing ring;
    private final Consumer<byte[]> nonceSource;

    public Sealer(MasterKeyRing ring) {
        this(ring, new SecureRandom()::nextBytes);
    }

    /** For golden-vector tests only: a fixed nonce makes the output reproducible. */
    Sealer(MasterKeyRing ring, Consumer<byte[]> nonceSource) {
        this.ring = Objects.requireNonNull(ring);
        this.nonceSource = nonceSource;
    }

    /** Seals {@code plaintext} for {@code purpose} under the current master key. */
    public byte[] seal(String purpose, byte[] plaintext) {
        checkPurpose(purpose);
        MasterKey key = ring.current();
        byte[] out = new byte[HEADER_LENGTH + NONCE_LENGTH + plaintext.length + TAG_LENGTH];
        ByteBuffer.wrap(out).put(VERSION_1).putInt(key.id());
        byte[] nonce = new byte[NONCE_LENGTH];
        nonceSource.accept(nonce);
        System.arraycopy(nonce, 0, out, HEADER_LENGTH, NONCE_LENGTH);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, purpose, nonce);
            cipher.updateAAD(associatedData(out, purpose));
            cipher.doFinal(plaintext, 0, plaintext.length, out, HEADER_LENGTH + NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /**
     * Opens an item sealed for {@code purpose}.
     *
     * @throws SealException if it is malformed, sealed under a key this node lacks, or fails
     *         authentication (tampered, or sealed for another purpose)
     */
    public byte[] open(String purpose, byte[] sealed) throws SealException {
        checkPurpose(purpose);
        if (sealed == null || sealed.length < HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH) {
            throw new SealException(SealException.Reason.MALFORMED,
                    "sealed item is too short to be in any known format");
        }
        ByteBuffer header = ByteBuffer.wrap(sealed, 0, HEADER_LENGTH);
        byte version = header.get();
        if (version != VERSION_1) {
            throw new SealException(SealException.Reason.MALFORMED,
                    "sealed item has unknown format version " + (version & 0xff));
        }
        long keyId = Integer.toUnsignedLong(header.getInt());
        MasterKey key = keyId > Integer.MAX_VALUE ? null : ring.byId((int) keyId).orElse(null);
        if (key == null) {
            throw new SealException(SealException.Reason.UNKNOWN_KEY, "sealed item names master key " + keyId
                    + ", which this node's oxguardpass does not hold: give every node the cluster's current oxguardpass");
        }
        byte[] nonce = Arrays.copyOfRange(sealed, HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, purpose, nonce);
            cipher.updateAAD(associatedData(sealed, purpose));
            int offset = HEADER_LENGTH + NONCE_LENGTH;
            return cipher.doFinal(sealed, offset, sealed.length - offset);
        } catch (AEADBadTagException e) {
            throw new SealException(SealException.Reason.AUTHENTICATION_FAILED,
                    "sealed item failed authentication: it was altered, or sealed for a purpose other than '" + purpose + "'");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }

    private static Cipher cipher(int mode, MasterKey key, String purpose, byte[] nonce) throws GeneralSecurityException {
        byte[] derived = key.derive(INFO_PREFIX + purpose, KEY_LENGTH);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(derived, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            return cipher;
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    private static byte[] associatedData(byte[] item, String purpose) {
        byte[] purposeBytes = purpose.getBytes(StandardCharsets.UTF_8);
        byte[] aad = new byte[HEADER_LENGTH + purposeBytes.length];
        System.arraycopy(item, 0, aad, 0, HEADER_LENGTH);
        System.arraycopy(purposeBytes, 0, aad, HEADER_LENGTH, purposeBytes.length);
        return aad;
    }

    private static void checkPurpose(String purpose) {
        if (purpose == null || !PURPOSE.matcher(purpose).matches()) {
            throw new IllegalArgumentException("seal purpose must match " + PURPOSE.pattern());
        }
    }

    @Override
    public String toString() {
        return "Sealer[" + ring + "]";
    }
}
