package io.guardcluster.keyservice.account;

import java.nio.ByteBuffer;
import java.util.Arrays;

import io.guardcluster.common.seal.SealException;
import io.guardcluster.common.seal.Sealer;

/**
 * Password recovery data: the user's key-protection secret sealed with the cluster master key
 * (purpose {@value #PURPOSE}), so a reset on any replica can issue a new password without the old one.
 * The owner (context id, user id) is sealed along with the secret and checked on opening, so recovery
 * data copied onto another user's row does not open for them.
 *
 * <pre>
 * plaintext, version 1: 0x01, context id (4, BE), user id (4, BE), secret (32)
 * </pre>
 */
public final class RecoveryData {

    public static final String PURPOSE = "recovery";
    private static final byte VERSION_1 = 0x01;
    private static final int LENGTH = 1 + 4 + 4 + KeyProtectionSecret.LENGTH;

    private RecoveryData() {
    }

    public static byte[] seal(Sealer sealer, KeyProtectionSecret secret, int contextId, int userId) {
        byte[] plain = new byte[LENGTH];
        byte[] bytes = secret.copyBytes();
        try {
            ByteBuffer.wrap(plain).put(VERSION_1).putInt(contextId).putInt(userId).put(bytes);
            return sealer.seal(PURPOSE, plain);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
    }

    public static KeyProtectionSecret open(Sealer sealer, byte[] sealed, int contextId, int userId) throws SealException {
        byte[] plain = sealer.open(PURPOSE, sealed);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(plain);
            if (plain.length != LENGTH || buffer.get() != VERSION_1 || buffer.getInt() != contextId
                    || buffer.getInt() != userId) {
                throw new IllegalStateException("recovery data does not belong to this user");
            }
            return KeyProtectionSecret.takeOwnership(Arrays.copyOfRange(plain, 9, LENGTH));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
