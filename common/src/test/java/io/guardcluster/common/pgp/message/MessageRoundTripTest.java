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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.Test;

/** Our encryption and decryption against each other, and every way a body can be wrong. No external processes. */
class MessageRoundTripTest {

    private static final byte[] PLAINTEXT = utf8("Guard encrypts files.\nZweite Zeile: äöü €\n");

    private static PGPPublicKey v4() {
        return encryptionKey(publicRing(TestMessages.v4Key()));
    }

    private static PGPPublicKey v6() {
        return encryptionKey(publicRing(TestMessages.v6Key()));
    }

    @Test
    void encryptsAndDecryptsWithTheSessionKey() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "report.pdf", List.of(v4()));
        assertThat(made.sessionKey().algorithm()).isEqualTo(9);
        assertThat(made.sessionKey().length()).isEqualTo(32);
        assertThat(made.sessionKeys().list()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(EncryptedSessionKey.Kind.PUBLIC_KEY);
            assertThat(p.version()).isEqualTo(3);
            assertThat(p.keyId()).isEqualTo(v4().getKeyID());
            assertThat(p.isFor(v4())).isTrue();
        });
        // the body is exactly one SEIPD v1 packet (see WireFormatTest for its layout)
        assertThat(made.body()[0]).isEqualTo((byte) 0xD2);
        assertThat(made.body()[2]).isEqualTo((byte) 1);

        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(made.body()), made.sessionKey())) {
            assertThat(in.literal()).isEqualTo(new LiteralHeader('b', "report.pdf", Instant.parse("2026-01-02T03:04:05Z")));
            assertThat(in.compressed()).isFalse();
            assertThat(in.dataVersion()).isEqualTo(1);
            assertThat(in.verified()).isFalse();
            assertThat(in.readAllBytes()).isEqualTo(PLAINTEXT);
            assertThat(in.verified()).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
        // the whole message (session key packets + body) reads the same
        assertThat(decrypt(made.message(), made.sessionKey())).isEqualTo(PLAINTEXT);
    }

    @Test
    void encryptsToSeveralRecipientsIncludingAV6Key() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "", List.of(v4(), v6()));
        assertThat(made.sessionKeys().list()).extracting(EncryptedSessionKey::version).containsExactly(3, 3);
        assertThat(made.sessionKeys().list().get(1).keyAlgorithm()).isEqualTo(PublicKeyAlgorithmTags.X25519);
        assertThat(made.sessionKeys().list().get(1).isFor(v6())).isTrue();
        // each recipient's secret key recovers the same session key (what the key service does for them)
        for (var key : List.of(TestMessages.v4Key(), TestMessages.v6Key())) {
            try (SessionKey recovered = TestMessages.recoverSessionKey(made.message(), key.getPGPSecretKeyRing())) {
                assertThat(recovered.keyBytes()).isEqualTo(made.sessionKey().keyBytes());
                assertThat(decrypt(made.body(), recovered)).isEqualTo(PLAINTEXT);
            }
        }
    }

    @Test
    void sharingAddsASessionKeyPacketAndLeavesTheBodyAlone() throws Exception {
        TestMessages.Made made = encrypt(PLAINTEXT, "shared.txt", List.of(v4()));
        EncryptedSessionKey forV6 = EncryptedSessionKey.encrypt(made.sessionKey(), v6());
        assertThat(forV6.version()).isEqualTo(3);
        assertThat(forV6.keyIdHex()).isEqualTo(String.format("%016X", v6().getKeyID()));
        EncryptedSessionKeys shared = made.sessionKeys().with(forV6);
        assertThat(shared.size()).isEqualTo(2);
        assertThat(shared.contains(v6())).isTrue();

        byte[] message = concat(shared.encoded(), made.body());
        try (SessionKey recovered = TestMessages.recoverSessionKey(message, TestMessages.v6Key().getPGPSecretKeyRing())) {
            assertThat(decrypt(made.body(), recovered)).isEqualTo(PLAINTEXT);
        }
        // withdrawing: the packet goes, the other stays, and the stored bytes parse back to the same list
        EncryptedSessionKeys withdrawn = EncryptedSessionKeys.parse(shared.encoded()).without(v6());
        assertThat(withdrawn.list()).singleElement().satisfies(p -> assertThat(p.isFor(v4())).isTrue());
        assertThat(withdrawn.encoded()).isEqualTo(made.sessionKeys().encoded());
    }

    @Test
    void aStreamOfMoreThan64MiBRoundTripsInConstantMemory() throws Exception {
        long size = 64L * 1024 * 1024 + 12345; // not a multiple of the chunk size
        MessageDigest original = MessageDigest.getInstance("SHA-256");
        MessageDigest decrypted = MessageDigest.getInstance("SHA-256");
        // Encryption and decryption run at the same time, joined by a 1 MiB pipe: nothing holds the whole stream.
        PipedInputStream pipeIn = new PipedInputStream(1 << 20);
        PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
        BlockingQueue<SessionKey> sessionKeys = new ArrayBlockingQueue<>(1);
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
            try (OutputStream body = pipeOut;
                    EncryptingOutputStream out = MessageEncryptor.create().encrypt(List.of(v4()), "big.bin", null, body)) {
                sessionKeys.put(out.sessionKey());
                try (InputStream source = new DigestInputStream(new TestMessages.Generated(size, 42), original)) {
                    source.transferTo(out);
                }
                return out.plaintextBytes();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Peers.THREADS);
        SessionKey sessionKey = sessionKeys.poll(60, TimeUnit.SECONDS);
        assertThat(sessionKey).isNotNull();
        long count;
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(pipeIn, sessionKey);
                DigestInputStream digesting = new DigestInputStream(in, decrypted)) {
            assertThat(in.literal().fileName()).isEqualTo("big.bin");
            count = digesting.transferTo(OutputStream.nullOutputStream());
            assertThat(in.verified()).isTrue();
        } finally {
            sessionKey.destroy();
        }
        assertThat(writer.get(60, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(count).isEqualTo(size);
        assertThat(decrypted.digest()).isEqualTo(original.digest());
    }

    @Test
    void sessionKeyNeverShowsItselfAndCanBeWiped() {
        TestMessages.Made made = encrypt(PLAINTEXT, "x", List.of(v4()));
        SessionKey key = made.sessionKey();
        String hex = java.util.HexFormat.of().formatHex(key.keyBytes());
        assertThat(key.toString()).isEqualTo("SessionKey[algorithm=9, 32 bytes]").doesNotContainIgnoringCase(hex);
        SessionKey copy = SessionKey.copyOf(key.algorithm(), key.keyBytes());
        key.destroy();
        assertThat(key.isDestroyed()).isTrue();
        assertThat(key.toString()).isEqualTo("SessionKey[algorithm=9, destroyed]");
        assertThatThrownBy(key::keyBytes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EncryptedSessionKey.encrypt(key, v4())).isInstanceOf(IllegalStateException.class);
        // a copy is independent of its source
        assertThat(java.util.HexFormat.of().formatHex(copy.keyBytes())).isEqualTo(hex);
        assertThatThrownBy(() -> SessionKey.copyOf(9, new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionKey.copyOf(99, new byte[32])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longFileNamesAreCutAtACharacterBoundary() throws Exception {
        String name = "€".repeat(100) + ".txt"; // 300 + 4 bytes in UTF-8
        TestMessages.Made made = encrypt(PLAINTEXT, name, List.of(v4()));
        try (DecryptingInputStream in = MessageDecryptor.create().decrypt(new ByteArrayInputStream(made.body()), made.sessionKey())) {
            assertThat(in.literal().fileName()).isEqualTo("€".repeat(85));
            in.readAllBytes();
        }
        assertThat(MessageEncryptor.fileName("a".repeat(255))).hasSize(255);
        assertThat(MessageEncryptor.fileName("a".repeat(256))).hasSize(255);
        assertThat(MessageEncryptor.fileName("😀".repeat(64))).isEqualTo("😀".repeat(63));
        assertThat(MessageEncryptor.fileName("a\uD800b")).isEqualTo("a?b"); // an unpaired surrogate
        assertThat(MessageEncryptor.fileName(null)).isEmpty();
    }

    @Test
    void emptyPlaintextRoundTrips() throws Exception {
        TestMessages.Made made = encrypt(new byte[0], "empty", List.of(v4()));
        assertThat(decrypt(made.body(), made.sessionKey())).isEmpty();
    }

    @Test
    void closingFinishesTheBodyOnceAndLeavesTheCallersStreamOpen() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream() {
            @Override
            public void close() {
                throw new AssertionError("the caller's body stream must not be closed");
            }
        };
        EncryptingOutputStream out = MessageEncryptor.create().encrypt(List.of(v4()), "x", null, body);
        out.write(PLAINTEXT, 0, 10);
        out.write(PLAINTEXT[10]);
        out.write(PLAINTEXT, 11, PLAINTEXT.length - 11);
        out.flush();
        assertThat(out.plaintextBytes()).isEqualTo(PLAINTEXT.length);
        out.close();
        int length = body.size();
        out.close(); // idempotent
        assertThat(body.size()).isEqualTo(length);
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(java.io.IOException.class);
        assertThat(decrypt(body.toByteArray(), out.sessionKey())).isEqualTo(PLAINTEXT);
        out.sessionKey().destroy();
    }

    @Test
    void refusesKeysThatCannotEncryptAndNoRecipients() {
        PGPPublicKey signingKey = publicRing(TestMessages.v6Key()).getPublicKey(); // Ed25519 primary
        assertThatThrownBy(() -> MessageEncryptor.create().encrypt(List.of(signingKey), "", null, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot encrypt");
        assertThatThrownBy(() -> MessageEncryptor.create().encrypt(List.of(), "", null, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptedSessionKey.encrypt(SessionKey.copyOf(9, new byte[32]), signingKey))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recipientKeysPickTheEncryptionSubkey() {
        var ring = publicRing(TestMessages.v6Key());
        PGPPublicKey picked = RecipientKeys.encryptionKey(ring, Instant.now()).orElseThrow();
        assertThat(picked.getAlgorithm()).isEqualTo(PublicKeyAlgorithmTags.X25519);
        assertThat(picked.getKeyID()).isNotEqualTo(ring.getPublicKey().getKeyID());
        // before the key existed, nothing is valid
        assertThat(RecipientKeys.encryptionKey(ring, Instant.parse("2000-01-01T00:00:00Z"))).isEmpty();
    }
}
