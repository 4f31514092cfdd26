package io.guardcluster.common.masterkey;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A one-way commitment to a master key: HKDF-SHA256(master secret, info
 * "guard-cluster/master-key-fingerprint/v1"), 32 bytes, stored in hex in the database by
 * {@code guard init}. Knowing it does not help to recover the key; it lets every node check that
 * its {@code oxguardpass} is the cluster's. Messages show only its {@link #abbreviated()} form.
 */
public record MasterKeyFingerprint(String hex) {

    public MasterKeyFingerprint {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a master key fingerprint is 64 lower-case hex digits");
        }
    }

    static MasterKeyFingerprint of(byte[] commitment) {
        return new MasterKeyFingerprint(HexFormat.of().formatHex(commitment));
    }

    /** The first 8 hex digits followed by an ellipsis, enough to tell two keys apart in a message. */
    public String abbreviated() {
        return hex.substring(0, 8) + "…";
    }

    /** Constant-time comparison (the stored value is public, but there is no reason to leak timing). */
    public boolean matches(MasterKeyFingerprint other) {
        return other != null && MessageDigest.isEqual(hex.getBytes(), other.hex.getBytes());
    }

    @Override
    public String toString() {
        return abbreviated();
    }
}
