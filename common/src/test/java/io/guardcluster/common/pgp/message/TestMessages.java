package io.guardcluster.common.pgp.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;

import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPApi;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/** Keys and message helpers shared by the message tests; keys made once per test JVM. */
final class TestMessages {

    private static OpenPGPKey v4;
    private static OpenPGPKey v6;

    private TestMessages() {
    }

    /** A v4 Ed25519 (EdDSA legacy) + Cv25519 (ECDH) key made by BouncyCastle, unprotected. */
    static synchronized OpenPGPKey v4Key() {
        if (v4 == null) {
            try {
                v4 = new BcOpenPGPApi().generateKey(4).ed25519x25519Key("Vera Four <vera@four.example>").build();
            } catch (PGPException e) {
                throw new IllegalStateException(e);
            }
        }
        return v4;
    }

    /** A v6 key (Ed25519 primary, X25519 subkey) made by BouncyCastle, unprotected. */
    static synchronized OpenPGPKey v6Key() {
        if (v6 == null) {
            try {
                v6 = new BcOpenPGPApi().generateKey(6).ed25519x25519Key("Carol Six <carol@six.example>").build();
            } catch (PGPException e) {
                throw new IllegalStateException(e);
            }
        }
        return v6;
    }

    static PGPPublicKeyRing publicRing(OpenPGPKey key) {
        return key.toCertificate().getPGPPublicKeyRing();
    }

    static PGPPublicKeyRing publicRing(byte[] encoded) {
        try {
            return new PGPPublicKeyRing(encoded, new BcKeyFingerprintCalculator());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PGPPublicKey encryptionKey(PGPPublicKeyRing ring) {
        return RecipientKeys.encryptionKey(ring, Instant.now())
                .orElseThrow(() -> new AssertionError("no encryption key in " + ring.getPublicKey().getKeyID()));
    }

    /** An encrypted message made by us, both parts, and its session key. */
    record Made(EncryptedSessionKeys sessionKeys, byte[] body, SessionKey sessionKey) {

        byte[] message() {
            return concat(sessionKeys.encoded(), body);
        }
    }

    static Made encrypt(byte[] plaintext, String fileName, Collection<PGPPublicKey> recipients) {
        return encrypt(MessageEncryptor.create(), plaintext, fileName, recipients);
    }

    static Made encrypt(MessageEncryptor encryptor, byte[] plaintext, String fileName, Collection<PGPPublicKey> recipients) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            EncryptingOutputStream out = encryptor.encrypt(recipients, fileName, Instant.parse("2026-01-02T03:04:05Z"), body);
            try (out) {
                out.write(plaintext);
            }
            return new Made(out.sessionKeys(), body.toByteArray(), out.sessionKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decrypts a whole body, reading to the end (so the integrity check runs). */
    static byte[] decrypt(byte[] body, SessionKey sessionKey) throws IOException, MessageFormatException {
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(body), sessionKey)) {
            byte[] plaintext = in.readAllBytes();
            if (!in.verified()) {
                throw new AssertionError("the stream ended without being verified");
            }
            return plaintext;
        }
    }

    /** The session key of a message, decrypted by BouncyCastle with the secret key (what the key service does). */
    static SessionKey recoverSessionKey(byte[] message, PGPSecretKeyRing secret) throws Exception {
        PGPObjectFactory factory = new PGPObjectFactory(new ByteArrayInputStream(message), new BcKeyFingerprintCalculator());
        PGPEncryptedDataList list = (PGPEncryptedDataList) factory.nextObject();
        for (var data : list) {
            if (data instanceof PGPPublicKeyEncryptedData pk) {
                var key = secret.getSecretKey(pk.getKeyID());
                if (key != null) {
                    PGPPrivateKey privateKey = key.extractPrivateKey(null);
                    PGPSessionKey sessionKey = pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(privateKey));
                    return SessionKey.copyOf(sessionKey.getAlgorithm(), sessionKey.getKey());
                }
            }
        }
        throw new AssertionError("no session key packet for the key");
    }

    /** "ALGO:HEX" as gpg and SOP print session keys. */
    static SessionKey parseSessionKey(String sop) {
        String[] parts = sop.strip().split(":");
        return SessionKey.copyOf(Integer.parseInt(parts[0]), HexFormat.of().parseHex(parts[1]));
    }

    static String sopString(SessionKey key) {
        byte[] bytes = key.keyBytes();
        return key.algorithm() + ":" + HexFormat.of().withUpperCase().formatHex(bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Deterministic pseudo-random bytes (xorshift), generated as read: arbitrary sizes without holding them. */
    static class Generated extends InputStream {

        private long remaining;
        private long state;

        Generated(long size, long seed) {
            this.remaining = size;
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            remaining -= n;
            return n;
        }
    }
}
