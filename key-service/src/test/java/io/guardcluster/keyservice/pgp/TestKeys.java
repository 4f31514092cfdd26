package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSessionKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPApi;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcSessionKeyDataDecryptorFactory;
import org.bouncycastle.util.io.Streams;

/**
 * Keys shared by the pgp tests, made once per test JVM (RSA generation is slow: RSA-4096 is generated only here,
 * once), and small BouncyCastle helpers to make and open messages in tests.
 */
final class TestKeys {

    /** The STORAGE passphrase of the shared rings: 256 random bits, hex. */
    static final String STORAGE_SECRET = "3f1c9a0e5b7d2c4a8e6f1b3d5c7a9e0f2b4d6c8a0e1f3b5d7c9a1e3f5b7d9c0a";

    private static final Map<KeyProfile, KeyMaterial> MATERIAL = new ConcurrentHashMap<>();
    private static final Map<KeyProfile, Duration> GENERATION_TIME = new ConcurrentHashMap<>();
    private static final Map<KeyProfile, PGPSecretKeyRing> RINGS = new ConcurrentHashMap<>();
    private static final AtomicReference<PGPSecretKeyRing> V6 = new AtomicReference<>();

    private TestKeys() {
    }

    static KeyMaterial material(KeyProfile profile) {
        return MATERIAL.computeIfAbsent(profile, p -> {
            long start = System.nanoTime();
            KeyMaterial material = KeyMaterial.generate(p, Instant.now().minusSeconds(60));
            GENERATION_TIME.put(p, Duration.ofNanos(System.nanoTime() - start));
            return material;
        });
    }

    static Map<KeyProfile, Duration> generationTimes() {
        return Map.copyOf(GENERATION_TIME);
    }

    static char[] storagePassphrase() {
        return STORAGE_SECRET.toCharArray();
    }

    static String userId(KeyProfile profile) {
        return "Test " + profile.id() + " <" + profile.id() + "@guard.example>";
    }

    /** The profile's material certified for {@link #userId}, STORAGE-protected with {@link #STORAGE_SECRET}. */
    static PGPSecretKeyRing ring(KeyProfile profile) {
        return RINGS.computeIfAbsent(profile, p -> OpenPgpKeys.certify(material(p), userId(p), Optional.empty(),
                storagePassphrase(), OpenPgpKeys.Protection.STORAGE));
    }

    /** A v6 key (Ed25519 primary, X25519 subkey) made with BouncyCastle's high-level API, unprotected. */
    static PGPSecretKeyRing v6() {
        return V6.updateAndGet(existing -> {
            if (existing != null) {
                return existing;
            }
            try {
                return (PGPSecretKeyRing) new BcOpenPGPApi().generateKey(6)
                        .ed25519x25519Key("Carol Six <carol@six.example>").build().getPGPKeyRing();
            } catch (PGPException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The encryption subkey of a ring (the last key flagged or able to encrypt). */
    static PGPPublicKey encryptionKey(org.bouncycastle.openpgp.PGPKeyRing ring) {
        PGPPublicKey found = null;
        for (var it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey key = it.next();
            if (key.isEncryptionKey()) {
                found = key;
            }
        }
        return found;
    }

    /** A message made by BouncyCastle, with the session key it used. */
    record Message(byte[] bytes, PGPSessionKey sessionKey) {
    }

    /**
     * Encrypts {@code plaintext} to {@code recipient}: SEIPDv1 with AES-256 and a v3 PKESK, or with {@code v6}
     * SEIPDv2 (OCB) and a v6 PKESK.
     */
    static Message encrypt(byte[] plaintext, PGPPublicKey recipient, boolean v6, boolean wildcard) {
        try {
            BcPGPDataEncryptorBuilder data = new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                    .setWithIntegrityPacket(true);
            if (v6) {
                data.setWithAEAD(AEADAlgorithmTags.OCB, 6).setUseV6AEAD();
            }
            PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(data);
            generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient).setUseWildcardRecipient(wildcard));
            AtomicReference<PGPSessionKey> sessionKey = new AtomicReference<>();
            generator.setSessionKeyExtractionCallback(sessionKey::set);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream encrypted = generator.open(bytes, new byte[4096])) {
                PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
                try (OutputStream out = literal.open(encrypted, PGPLiteralData.BINARY, "", plaintext.length, new java.util.Date())) {
                    out.write(plaintext);
                }
            }
            return new Message(bytes.toByteArray(), sessionKey.get());
        } catch (IOException | PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decrypts a message (binary or armored) with a session key only, as BouncyCastle sees it: the literal data. */
    static byte[] decryptWithSessionKey(byte[] message, SessionKey sessionKey) throws IOException, PGPException {
        PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(new java.io.ByteArrayInputStream(message)),
                Bc.FINGERPRINTS);
        Object object = factory.nextObject();
        while (!(object instanceof PGPEncryptedDataList)) {
            object = factory.nextObject();
        }
        PGPEncryptedDataList list = (PGPEncryptedDataList) object;
        PGPSessionKeyEncryptedData data = list.extractSessionKeyEncryptedData();
        int algorithm = sessionKey.symmetricAlgorithm();
        InputStream clear = data.getDataStream(new BcSessionKeyDataDecryptorFactory(
                new PGPSessionKey(algorithm, sessionKey.key())));
        PGPObjectFactory inner = new PGPObjectFactory(clear, Bc.FINGERPRINTS);
        Object next = inner.nextObject();
        if (next instanceof PGPCompressedData compressed) {
            inner = new PGPObjectFactory(compressed.getDataStream(), Bc.FINGERPRINTS);
            next = inner.nextObject();
        }
        while (!(next instanceof PGPLiteralData)) {
            next = inner.nextObject();
        }
        byte[] plain = Streams.readAll(((PGPLiteralData) next).getInputStream());
        if (data.isIntegrityProtected() && !data.verify()) {
            throw new PGPException("integrity check failed");
        }
        return plain;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
