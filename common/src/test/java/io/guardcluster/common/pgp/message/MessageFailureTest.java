package io.guardcluster.common.pgp.message;

import static io.guardcluster.common.pgp.message.TestMessages.concat;
import static io.guardcluster.common.pgp.message.TestMessages.decrypt;
import static io.guardcluster.common.pgp.message.TestMessages.encrypt;
import static io.guardcluster.common.pgp.message.TestMessages.encryptionKey;
import static io.guardcluster.common.pgp.message.TestMessages.publicRing;
import static io.guardcluster.common.pgp.message.TestMessages.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.junit.jupiter.api.Test;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/** Every way a message can be wrong, and the exact answer for each. */
class MessageFailureTest {

    private static final byte[] PLAINTEXT = utf8("x".repeat(3000));

    private static PGPPublicKey recipient() {
        return encryptionKey(publicRing(TestMessages.v4Key()));
    }

    /** How decrypting a body ended. */
    enum Outcome {
        PLAINTEXT, FORMAT, INTEGRITY
    }

    private static Outcome outcome(byte[] body, SessionKey sessionKey) throws IOException {
        try {
            decrypt(body, sessionKey);
            return Outcome.PLAINTEXT;
        } catch (MessageFormatException e) {
            return Outcome.FORMAT;
        } catch (MessageIntegrityException e) {
            assertThat(e).hasMessage(MessageIntegrityException.MESSAGE).hasNoCause();
            return Outcome.INTEGRITY;
        }
    }

    @Test
    void modifyingAnyByteOfTheBodyFailsIntegrityOrFraming() throws Exception {
        // small chunks, so that the body has several partial length octets to modify too
        TestMessages.Made made = encrypt(MessageEncryptor.create().withChunkBytes(512), PLAINTEXT, "t", List.of(recipient()));
        byte[] body = made.body();
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (int i = 0; i < body.length; i++) {
            for (int flip : new int[] {0x01, 0x80}) {
                byte[] modified = body.clone();
                modified[i] ^= (byte) flip;
                Outcome outcome = outcome(modified, made.sessionKey());
                assertThat(outcome).as("byte %d ^ 0x%02x", i, flip).isNotEqualTo(Outcome.PLAINTEXT);
                if (i >= 3) {
                    // past the packet header and version octet, everything is the one integrity failure
                    assertThat(outcome).as("byte %d ^ 0x%02x", i, flip).isEqualTo(Outcome.INTEGRITY);
                }
                outcomes.merge(outcome, 1, Integer::sum);
            }
        }
        assertThat(outcomes.get(Outcome.INTEGRITY)).isGreaterThan(2 * body.length - 10);
    }

    @Test
    void theFailureComesAtTheEndAfterUnauthenticatedPlaintextAndStaysAFailure() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        byte[] body = made.body().clone();
        body[body.length - 1] ^= 1; // the last byte of the MDC
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(body), made.sessionKey())) {
            byte[] start = in.readNBytes(1000);
            assertThat(start).isEqualTo(Arrays.copyOf(PLAINTEXT, 1000)); // handed out, but not yet authenticated
            assertThatThrownBy(in::readAllBytes).isInstanceOf(MessageIntegrityException.class);
            assertThat(in.verified()).isFalse();
            // every later read fails again: no read can look like a clean end
            assertThatThrownBy(in::read).isInstanceOf(MessageIntegrityException.class);
            assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(MessageIntegrityException.class);
        }
    }

    @Test
    void aTruncatedBodyFails() throws Exception {
        TestMessages.Made made = encrypt(MessageEncryptor.create().withChunkBytes(512), PLAINTEXT, "t", List.of(recipient()));
        byte[] body = made.body();
        for (int length = 0; length < body.length; length++) {
            Outcome outcome = outcome(Arrays.copyOf(body, length), made.sessionKey());
            assertThat(outcome).as("cut at %d", length).isEqualTo(length < 3 ? Outcome.FORMAT : Outcome.INTEGRITY);
        }
    }

    @Test
    void dataAfterTheEncryptedPacketFails() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        assertThat(outcome(concat(made.body(), new byte[] {0}), made.sessionKey())).isEqualTo(Outcome.INTEGRITY);
        assertThat(outcome(concat(made.body(), made.body()), made.sessionKey())).isEqualTo(Outcome.INTEGRITY);
    }

    @Test
    void aWrongSessionKeyFailsTheSameWay() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        assertThat(outcome(made.body(), SessionKey.copyOf(9, random))).isEqualTo(Outcome.INTEGRITY);
        // the right key bytes under another algorithm id, and a key of the wrong size for the data
        assertThat(outcome(made.body(), SessionKey.copyOf(SymmetricKeyAlgorithmTags.TWOFISH, made.sessionKey().keyBytes())))
                .isEqualTo(Outcome.INTEGRITY);
        assertThat(outcome(made.body(), SessionKey.copyOf(7, Arrays.copyOf(made.sessionKey().keyBytes(), 16))))
                .isEqualTo(Outcome.INTEGRITY);
        assertThat(outcome(made.body(), SessionKey.copyOf(SessionKey.ALGORITHM_UNKNOWN, made.sessionKey().keyBytes())))
                .isEqualTo(Outcome.INTEGRITY);
        // and garbage after a valid header
        byte[] garbage = new byte[5000];
        new SecureRandom().nextBytes(garbage);
        assertThat(outcome(concat(new byte[] {(byte) 0xD2, (byte) 0xCF, (byte) 0x90, 1}, Arrays.copyOf(garbage, 4000)),
                made.sessionKey())).isEqualTo(Outcome.INTEGRITY);
    }

    @Test
    void theBodyStreamsOwnFailurePassesThroughUnchanged() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        IOException disk = new IOException("storage read failed");
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(made.body())) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 1000) {
                    throw disk;
                }
                int n = super.read(b, off, Math.min(len, 100));
                read += Math.max(n, 0);
                return n;
            }
        };
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(failing, made.sessionKey())) {
            assertThatThrownBy(in::readAllBytes).isSameAs(disk);
            assertThatThrownBy(in::read).isSameAs(disk);
        }
    }

    @Test
    void symmetricallyEncryptedDataWithoutIntegrityProtectionIsRefused() throws Exception {
        byte[] sed = bcMessage(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false),
                -1, PLAINTEXT, new AtomicReference<>());
        assertSplitRefused(sed, Reason.NOT_INTEGRITY_PROTECTED);
        EncryptedSessionKeys sessionKeys = EncryptedSessionKeys.parse(sessionKeyPart(sed));
        byte[] body = Arrays.copyOfRange(sed, sessionKeys.encoded().length, sed.length);
        assertThat(body[0]).isEqualTo((byte) 0xC9); // tag 9
        assertThatThrownBy(() -> decrypt(body, SessionKey.copyOf(9, new byte[32]))).isInstanceOf(MessageFormatException.class)
                .extracting(e -> ((MessageFormatException) e).reason()).isEqualTo(Reason.NOT_INTEGRITY_PROTECTED);
        // the legacy header format for the same packet type (as old PGP versions write it)
        assertSplitRefused(concat(sessionKeys.encoded(), new byte[] {(byte) 0xA4, 3, 1, 2, 3}), Reason.NOT_INTEGRITY_PROTECTED);
    }

    @Test
    void whatIsNotAnEncryptedMessageIsRefusedWithTheReason() throws Exception {
        assertSplitRefused(new byte[0], Reason.MALFORMED);
        assertSplitRefused(utf8("hello, this is text"), Reason.MALFORMED);
        assertSplitRefused(utf8("   \n\t"), Reason.MALFORMED);
        assertSplitRefused(new byte[] {(byte) 0x80}, Reason.MALFORMED); // a header that ends at once
        // a literal data packet alone, and a certificate
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        try (OutputStream out = new PGPLiteralDataGenerator().open(literal, PGPLiteralData.BINARY, "x", 3, new Date())) {
            out.write(new byte[] {1, 2, 3});
        }
        assertSplitRefused(literal.toByteArray(), Reason.NOT_ENCRYPTED);
        byte[] certificate = publicRing(TestMessages.v4Key()).getEncoded();
        assertSplitRefused(certificate, Reason.NOT_ENCRYPTED);
        assertSplitRefused(armor(certificate, "PUBLIC KEY BLOCK"), Reason.NOT_ENCRYPTED);

        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        assertSplitRefused(made.sessionKeys().encoded(), Reason.MALFORMED); // session keys, no data
        assertSplitRefused(made.body(), Reason.MALFORMED); // data, no session key: nobody could decrypt it
        assertThat(decrypt(made.body(), made.sessionKey())).isEqualTo(PLAINTEXT); // which decrypt does not need
        byte[] v3 = made.message().clone();
        int version = made.sessionKeys().encoded().length + PacketHeader.read(new ByteArrayInputStream(made.body())).raw().length;
        v3[version] = 3; // SEIPD version 3
        assertSplitRefused(v3, Reason.UNSUPPORTED);
        assertSplitRefused(concat(made.sessionKeys().encoded(), new byte[] {(byte) 0xD4, 3, 1, 9, 2}), Reason.UNSUPPORTED);
        // a session key packet in partial lengths
        assertSplitRefused(concat(new byte[] {(byte) 0xC1, (byte) 0xE9}, new byte[512], made.body()), Reason.MALFORMED);
        // a truncated session key packet
        byte[] esk = made.sessionKeys().encoded();
        assertSplitRefused(Arrays.copyOf(esk, esk.length - 1), Reason.MALFORMED);
    }

    @Test
    void theStartOfAMessageIsBounded() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "t", List.of(recipient()));
        EncryptedSessionKeys many = made.sessionKeys();
        while (many.encoded().length <= SplitMessage.DEFAULT_MAX_HEADER_BYTES && many.size() < EncryptedSessionKeys.MAX_PACKETS) {
            many = many.with(made.sessionKeys().list().get(0));
        }
        // a thousand recipients fit; what is beyond the bound is refused, before the body is touched
        byte[] manyRecipients = concat(many.encoded(), made.body());
        SplitMessage split = SplitMessage.read(new ByteArrayInputStream(manyRecipients));
        assertThat(split.sessionKeys().size()).isEqualTo(many.size());
        assertThatThrownBy(() -> SplitMessage.read(new ByteArrayInputStream(manyRecipients), 4096))
                .isInstanceOf(MessageFormatException.class).extracting(e -> ((MessageFormatException) e).reason())
                .isEqualTo(Reason.TOO_LARGE);
        // a session key packet that claims 4 GiB
        assertSplitRefused(new byte[] {(byte) 0xC1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                Reason.TOO_LARGE);
        // an armor header line that never ends
        InputStream endless = new java.io.SequenceInputStream(
                new ByteArrayInputStream(utf8("-----BEGIN PGP MESSAGE-----\nComment: ")), new TestMessages.Generated(1L << 40, 7) {
                    @Override
                    public int read(byte[] b, int off, int len) {
                        Arrays.fill(b, off, off + len, (byte) 'a');
                        return len;
                    }
                });
        assertThatThrownBy(() -> SplitMessage.read(endless, 1000)).isInstanceOf(MessageFormatException.class)
                .extracting(e -> ((MessageFormatException) e).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void armoredMessagesSplitIntoBinaryParts() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "armored.txt", List.of(recipient()));
        byte[] armored = armor(made.message(), "MESSAGE");
        assertThat(new String(armored, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP MESSAGE-----");
        SplitMessage split = SplitMessage.read(new ByteArrayInputStream(concat(utf8("\r\n  "), armored)));
        assertThat(split.armored()).isTrue();
        assertThat(split.dataVersion()).isEqualTo(1);
        assertThat(split.sessionKeys().encoded()).isEqualTo(made.sessionKeys().encoded());
        byte[] body = split.body().readAllBytes();
        assertThat(body).isEqualTo(made.body());

        SplitMessage binary = SplitMessage.read(new ByteArrayInputStream(made.message()));
        assertThat(binary.armored()).isFalse();
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(binary.body(), made.sessionKey())) {
            assertThat(in.readAllBytes()).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void compressedMessagesDecryptWithinTheBound() throws Exception {
        byte[] zeros = new byte[8 << 20];
        for (int algorithm : new int[] {CompressionAlgorithmTags.ZIP, CompressionAlgorithmTags.ZLIB, CompressionAlgorithmTags.BZIP2}) {
            AtomicReference<PGPSessionKey> key = new AtomicReference<>();
            byte[] message = bcMessage(new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
                    algorithm, zeros, key);
            assertThat(message.length).isLessThan(64 * 1024);
            SessionKey sessionKey = SessionKey.of(key.get());
            // Deflate (ZIP, ZLIB) cannot exceed ~1032:1, so it always passes the default bound; 8 MiB of zeros in
            // BZip2 are a few hundred bytes: a bomb by the default bound, fine with a looser one
            MessageDecryptor decryptor = algorithm == CompressionAlgorithmTags.BZIP2
                    ? MessageDecryptor.create().withMaxCompressionRatio(1_000_000) : MessageDecryptor.create();
            try (DecryptingInputStream in = decryptor.decrypt(new ByteArrayInputStream(message), sessionKey)) {
                assertThat(in.compressed()).isTrue();
                assertThat(in.readAllBytes()).isEqualTo(zeros);
                assertThat(in.verified()).isTrue();
            }
            if (algorithm == CompressionAlgorithmTags.BZIP2) {
                try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(message), sessionKey)) {
                    assertThatThrownBy(in::readAllBytes).isInstanceOf(MessageIntegrityException.class);
                }
            }
            // beyond the bound (here 2:1 on top of 1 MiB), decompression stops as a failure
            try (DecryptingInputStream in = MessageDecryptor.create().withMaxCompressionRatio(2)
                    .decrypt(new ByteArrayInputStream(message), sessionKey)) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(MessageIntegrityException.class);
            }
            // or not at all
            assertThatThrownBy(() -> MessageDecryptor.create().withMaxCompressionRatio(0)
                    .decrypt(new ByteArrayInputStream(message), sessionKey)).isInstanceOf(MessageIntegrityException.class);
        }
    }

    @Test
    void olderCiphersOfSeipdV1AreReadToo() throws Exception {
        byte[] plaintext = utf8("cipher ".repeat(10_000));
        for (int algorithm : new int[] {SymmetricKeyAlgorithmTags.AES_128, SymmetricKeyAlgorithmTags.AES_192,
                SymmetricKeyAlgorithmTags.CAST5, SymmetricKeyAlgorithmTags.TRIPLE_DES, SymmetricKeyAlgorithmTags.BLOWFISH,
                SymmetricKeyAlgorithmTags.TWOFISH, SymmetricKeyAlgorithmTags.CAMELLIA_256}) {
            AtomicReference<PGPSessionKey> key = new AtomicReference<>();
            byte[] message = bcMessage(new BcPGPDataEncryptorBuilder(algorithm).setWithIntegrityPacket(true), -1, plaintext, key);
            SessionKey sessionKey = SessionKey.of(key.get());
            assertThat(sessionKey.algorithm()).isEqualTo(algorithm);
            assertThat(decrypt(message, sessionKey)).as("algorithm %d", algorithm).isEqualTo(plaintext);
            byte[] modified = message.clone();
            modified[modified.length - 30] ^= 1;
            assertThat(outcome(modified, sessionKey)).as("algorithm %d", algorithm).isEqualTo(Outcome.INTEGRITY);
        }
    }

    @Test
    void seipdVersion2IsReadToo() throws Exception {
        AtomicReference<PGPSessionKey> key = new AtomicReference<>();
        for (int aead : new int[] {AEADAlgorithmTags.OCB, AEADAlgorithmTags.GCM, AEADAlgorithmTags.EAX}) {
            byte[] plaintext = utf8("v2 ".repeat(50_000));
            byte[] message = bcMessage(new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                    .setWithIntegrityPacket(true).setWithAEAD(aead, 6).setUseV6AEAD(), -1, plaintext, key);
            SplitMessage split = SplitMessage.read(new ByteArrayInputStream(message));
            assertThat(split.dataVersion()).isEqualTo(2);
            assertThat(split.sessionKeys().list()).singleElement().satisfies(p -> assertThat(p.version()).isEqualTo(6));
            byte[] body = split.body().readAllBytes();
            // a v6 PKESK does not name the algorithm: the key service answers 0, the v2 packet names it
            byte[] keyBytes = key.get().getKey();
            SessionKey unknown = SessionKey.copyOf(SessionKey.ALGORITHM_UNKNOWN, keyBytes);
            assertThat(decrypt(body, unknown)).isEqualTo(plaintext);
            assertThat(decrypt(body, SessionKey.copyOf(9, keyBytes))).isEqualTo(plaintext);
            for (int i : new int[] {5, body.length / 2, body.length - 1}) {
                byte[] modified = body.clone();
                modified[i] ^= 1;
                assertThat(outcome(modified, unknown)).as("aead %d, byte %d", aead, i).isEqualTo(Outcome.INTEGRITY);
            }
            assertThat(outcome(Arrays.copyOf(body, body.length - 1), unknown)).isEqualTo(Outcome.INTEGRITY);
        }
    }

    @Test
    void smallPacketsBeforeTheLiteralDataAreSkippedLargeOnesRefused() throws Exception {
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        try (OutputStream out = new PGPLiteralDataGenerator().open(literal, PGPLiteralData.BINARY, "inner", 3, new Date(0))) {
            out.write(new byte[] {1, 2, 3});
        }
        byte[] marker = {(byte) 0xCA, 3, 'P', 'G', 'P'};
        byte[] padding = concat(new byte[] {(byte) 0xD5, (byte) 0xC0, 0}, new byte[192]); // 192 bytes of padding
        // 100 KiB of padding (five-octet length): beyond the bound, refused without being read into memory
        byte[] bigPadding = concat(new byte[] {(byte) 0xD5, (byte) 0xFF, 0, 1, (byte) 0x90, 0}, new byte[102_400]);

        AtomicReference<PGPSessionKey> key = new AtomicReference<>();
        byte[] fine = encryptRaw(concat(marker, padding, literal.toByteArray()), key);
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(fine), SessionKey.of(key.get()))) {
            assertThat(in.literal().fileName()).isEqualTo("inner");
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
        byte[] refused = encryptRaw(concat(bigPadding, literal.toByteArray()), key);
        assertThat(outcome(refused, SessionKey.of(key.get()))).isEqualTo(Outcome.INTEGRITY);
        // after the literal data: padding is fine, a second literal data packet is not (which one would a reader show?)
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(
                encryptRaw(concat(literal.toByteArray(), padding), key)), SessionKey.of(key.get()))) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            assertThat(in.verified()).isTrue();
        }
        assertThat(outcome(encryptRaw(concat(literal.toByteArray(), literal.toByteArray()), key), SessionKey.of(key.get())))
                .isEqualTo(Outcome.INTEGRITY);
        // no literal data at all, or something else inside (a certificate)
        assertThat(outcome(encryptRaw(marker, key), SessionKey.of(key.get()))).isEqualTo(Outcome.INTEGRITY);
        byte[] certificate = publicRing(TestMessages.v4Key()).getEncoded();
        assertThat(outcome(encryptRaw(certificate, key), SessionKey.of(key.get()))).isEqualTo(Outcome.INTEGRITY);
    }

    /** A SEIPD v1 message whose decrypted content is {@code packets}, as they are. */
    private static byte[] encryptRaw(byte[] packets, AtomicReference<PGPSessionKey> key) throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient()));
        generator.setSessionKeyExtractionCallback(key::set);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(bytes, new byte[1 << 12])) {
            encrypted.write(packets);
        }
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertSplitRefused(byte[] message, Reason reason) {
        assertThatThrownBy(() -> SplitMessage.read(new ByteArrayInputStream(message)))
                .isInstanceOf(MessageFormatException.class)
                .extracting(e -> ((MessageFormatException) e).reason()).isEqualTo(reason);
    }

    /** The leading session key packet of a BouncyCastle message (one recipient). */
    private static byte[] sessionKeyPart(byte[] message) throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(message);
        PacketHeader header = PacketHeader.read(in);
        return Arrays.copyOf(message, header.raw().length + (int) header.length());
    }

    static byte[] armor(byte[] binary, String type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().build(out)) {
            armor.write(binary);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        return text.replace("PGP MESSAGE", "PGP " + type).getBytes(StandardCharsets.US_ASCII);
    }

    /** A message made by BouncyCastle's own generator, optionally compressed; the session key into {@code key}. */
    static byte[] bcMessage(PGPDataEncryptorBuilder data, int compression, byte[] plaintext,
            AtomicReference<PGPSessionKey> key) throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(data);
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(
                data.getAeadAlgorithm() > 0 ? encryptionKey(publicRing(TestMessages.v6Key())) : recipient()));
        generator.setSessionKeyExtractionCallback(key::set);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(bytes, new byte[1 << 12])) {
            PGPCompressedDataGenerator compressor = compression < 0 ? null : new PGPCompressedDataGenerator(compression);
            OutputStream inner = compressor == null ? encrypted : compressor.open(encrypted, new byte[1 << 12]);
            try (OutputStream literal = new PGPLiteralDataGenerator().open(inner, PGPLiteralData.BINARY, "bc",
                    new Date(), new byte[1 << 12])) {
                literal.write(plaintext);
            }
            if (compressor != null) {
                compressor.close();
            }
        }
        return bytes.toByteArray();
    }
}
