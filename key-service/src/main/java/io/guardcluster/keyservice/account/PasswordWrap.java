package io.guardcluster.keyservice.account;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Wraps a {@link KeyProtectionSecret} under the user's Guard password: Argon2id turns the password
 * into an AES-256 key, AES-256-GCM encrypts the 32-byte secret. The cost parameters travel in the
 * wrap, so raising the configured cost applies to new and changed passwords while old wraps still open.
 *
 * <h2>Format, version 1 (84 bytes; pinned by {@code PasswordWrapTest})</h2>
 * <pre>
 * offset size field
 * 0      1    format version, 0x01
 * 1      1    KDF, 0x01 = Argon2id v1.3
 * 2      4    Argon2 memory in KiB, unsigned big-endian
 * 6      1    Argon2 iterations
 * 7      1    Argon2 parallelism
 * 8      16   Argon2 salt (random)
 * 24     12   GCM nonce (random)
 * 36     48   AES-256-GCM ciphertext of the 32-byte secret, then the 16-byte tag
 * associated data: bytes 0..35, then "guard-cluster/password-wrap/v1/{contextId}/{userId}" in ASCII
 * </pre>
 * Binding the owner as associated data means a wrap copied onto another user's row does not open.
 * A wrong password and a tampered wrap are indistinguishable on purpose: both fail the tag check.
 */
public final class PasswordWrap {

    public static final byte VERSION_1 = 0x01;
    static final byte KDF_ARGON2ID = 0x01;
    static final int HEADER_LENGTH = 36;
    static final int LENGTH = HEADER_LENGTH + KeyProtectionSecret.LENGTH + 16;
    private static final int SALT_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;

    /** Argon2id cost; see {@link AccountConfig.Password} for the defaults and why. */
    public record Cost(int memoryKib, int iterations, int parallelism) {
        public Cost {
            if (memoryKib < 8 * parallelism || iterations < 1 || iterations > 255 || parallelism < 1 || parallelism > 255) {
                throw new IllegalArgumentException("Argon2 cost out of range: memory " + memoryKib + " KiB, iterations "
                        + iterations + ", parallelism " + parallelism);
            }
        }
    }

    /** The password does not open the wrap (or the wrap was tampered with, which looks the same). */
    public static final class WrongPasswordException extends Exception {
        WrongPasswordException() {
            super("the password does not open the key-protection secret", null, false, false);
        }
    }

    private PasswordWrap() {
    }

    public static byte[] wrap(KeyProtectionSecret secret, char[] password, Cost cost, int contextId, int userId,
            SecureRandom random) {
        byte[] out = new byte[LENGTH];
        ByteBuffer header = ByteBuffer.wrap(out);
        header.put(VERSION_1).put(KDF_ARGON2ID).putInt(cost.memoryKib()).put((byte) cost.iterations())
                .put((byte) cost.parallelism());
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        header.put(salt).put(nonce);
        byte[] key = argon2id(password, salt, cost);
        byte[] plain = secret.copyBytes();
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
            cipher.updateAAD(associatedData(out, contextId, userId));
            cipher.doFinal(plain, 0, plain.length, out, HEADER_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
    }

    public static KeyProtectionSecret unwrap(byte[] wrap, char[] password, int contextId, int userId)
            throws WrongPasswordException {
        if (wrap == null || wrap.length != LENGTH || wrap[0] != VERSION_1 || wrap[1] != KDF_ARGON2ID) {
            // Stored by us: anything else is corruption, not a user error.
            throw new IllegalStateException("stored password wrap has an unknown format");
        }
        ByteBuffer header = ByteBuffer.wrap(wrap, 2, HEADER_LENGTH - 2);
        Cost cost = new Cost(header.getInt(), header.get() & 0xFF, header.get() & 0xFF);
        byte[] salt = Arrays.copyOfRange(wrap, 8, 8 + SALT_LENGTH);
        byte[] nonce = Arrays.copyOfRange(wrap, 24, 24 + NONCE_LENGTH);
        byte[] key = argon2id(password, salt, cost);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce);
            cipher.updateAAD(associatedData(wrap, contextId, userId));
            return KeyProtectionSecret.takeOwnership(cipher.doFinal(wrap, HEADER_LENGTH, wrap.length - HEADER_LENGTH));
        } catch (AEADBadTagException e) {
            throw new WrongPasswordException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The cost a stored wrap was made with (to rewrap when the configured cost has grown). */
    public static Cost costOf(byte[] wrap) {
        ByteBuffer header = ByteBuffer.wrap(wrap, 2, 6);
        return new Cost(header.getInt(), header.get() & 0xFF, header.get() & 0xFF);
    }

    static byte[] argon2id(char[] password, byte[] salt, Cost cost) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations()).withParallelism(cost.parallelism()).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] passwordBytes = utf8(password);
        byte[] key = new byte[32];
        try {
            generator.generateBytes(passwordBytes, key);
            return key;
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher;
    }

    private static byte[] associatedData(byte[] wrap, int contextId, int userId) {
        byte[] owner = ("guard-cluster/password-wrap/v1/" + contextId + "/" + userId).getBytes(StandardCharsets.US_ASCII);
        byte[] aad = Arrays.copyOf(wrap, HEADER_LENGTH + owner.length);
        System.arraycopy(owner, 0, aad, HEADER_LENGTH, owner.length);
        return aad;
    }
}
