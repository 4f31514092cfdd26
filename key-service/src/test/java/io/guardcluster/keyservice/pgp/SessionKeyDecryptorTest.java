package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionKeyDecryptorTest {

    private static final byte[] PLAINTEXT = TestKeys.utf8("Attack at dawn. Grüße!\n");

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa2048", "rsa3072"})
    void decryptsV3SessionKeysForOurProfiles(String id) throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.parse(id));
        PGPPublicKey recipient = TestKeys.encryptionKey(ring);
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, recipient, false, false);

        assertThat(SessionKeyDecryptor.recipientKeyIds(message.bytes())).containsExactly(Bc.keyId(recipient.getKeyID()));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message.bytes(), ring, TestKeys.storagePassphrase());
        assertThat(sessionKey.symmetricAlgorithm()).isEqualTo(9);
        assertThat(sessionKey.key()).isEqualTo(message.sessionKey().getKey());
        assertThat(TestKeys.decryptWithSessionKey(message.bytes(), sessionKey)).isEqualTo(PLAINTEXT);

        String hex = HexFormat.of().formatHex(sessionKey.key());
        assertThat(sessionKey.toString()).doesNotContainIgnoringCase(hex).contains("32 bytes");
        assertThat(sessionKey.toSopString()).isEqualToIgnoringCase("9:" + hex);
    }

    @Test
    void decryptsV6SessionKeysForAV6X25519KeyWithTheAlgorithmFromTheSeipdV2Packet() throws Exception {
        PGPSecretKeyRing ring = TestKeys.v6();
        PGPPublicKey recipient = TestKeys.encryptionKey(ring);
        assertThat(KeyInfo.algorithmName(recipient)).isEqualTo("X25519");
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, recipient, true, false);
        assertThat(message.bytes()[0] & 0xFF).isEqualTo(0xC1);
        assertThat(message.bytes()[2]).as("v6 PKESK").isEqualTo((byte) 6);

        assertThat(SessionKeyDecryptor.recipientKeyIds(message.bytes())).containsExactly(Bc.keyId(recipient.getKeyID()));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message.bytes(), ring, null);
        assertThat(sessionKey.symmetricAlgorithm()).isEqualTo(9);
        assertThat(sessionKey.key()).isEqualTo(message.sessionKey().getKey());
        assertThat(TestKeys.decryptWithSessionKey(message.bytes(), sessionKey)).isEqualTo(PLAINTEXT);

        byte[] pkeskOnly = Arrays.copyOf(message.bytes(), packetEnd(message.bytes(), 0));
        SessionKey withoutSeipd = SessionKeyDecryptor.decrypt(pkeskOnly, ring, null);
        assertThat(withoutSeipd.symmetricAlgorithm()).as("unknown without the SEIPDv2 packet").isZero();
        assertThat(withoutSeipd.key()).isEqualTo(message.sessionKey().getKey());
    }

    @Test
    void decryptsAV6PkeskAddressedToOurV4CurveKey() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ring), true, false);
        assertThat(message.bytes()[2]).as("v6 PKESK").isEqualTo((byte) 6);
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message.bytes(), ring, TestKeys.storagePassphrase());
        assertThat(sessionKey.symmetricAlgorithm()).isEqualTo(9);
        assertThat(TestKeys.decryptWithSessionKey(message.bytes(), sessionKey)).isEqualTo(PLAINTEXT);
    }

    @Test
    void anonymousRecipientsAreTriedAgainstEveryFittingKey() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.RSA2048);
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ring), false, true);
        assertThat(SessionKeyDecryptor.recipientKeyIds(message.bytes())).containsExactly("0000000000000000");
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message.bytes(), ring, TestKeys.storagePassphrase());
        assertThat(sessionKey.key()).isEqualTo(message.sessionKey().getKey());
    }

    @Test
    void severalRecipientsFindOurs() throws Exception {
        PGPSecretKeyRing ours = TestKeys.ring(KeyProfile.ED25519);
        TestKeys.Message forOther = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(TestKeys.ring(KeyProfile.RSA2048)), false, false);
        TestKeys.Message forUs = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ours), false, false);
        byte[] otherPkesk = Arrays.copyOf(forOther.bytes(), packetEnd(forOther.bytes(), 0));
        byte[] both = KeyReaderTest.concat(otherPkesk, forUs.bytes());
        assertThat(SessionKeyDecryptor.recipientKeyIds(both)).hasSize(2);
        assertThat(SessionKeyDecryptor.decrypt(both, ours, TestKeys.storagePassphrase()).key())
                .isEqualTo(forUs.sessionKey().getKey());
    }

    @Test
    void aMessageForAnotherKeyHasNoMatchingKey() {
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(TestKeys.ring(KeyProfile.RSA2048)), false, false);
        assertThatThrownBy(() -> SessionKeyDecryptor.decrypt(message.bytes(), TestKeys.ring(KeyProfile.ED25519),
                TestKeys.storagePassphrase()))
                .isInstanceOf(NoMatchingKeyException.class)
                .hasMessageContaining(Bc.keyId(TestKeys.encryptionKey(TestKeys.ring(KeyProfile.RSA2048)).getKeyID()));
    }

    @Test
    void aWrongPassphraseIsReportedAsSuch() {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        TestKeys.Message message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ring), false, false);
        assertThatThrownBy(() -> SessionKeyDecryptor.decrypt(message.bytes(), ring, "guess".toCharArray()))
                .isInstanceOf(WrongPassphraseException.class).hasMessageNotContaining("guess");
    }

    @Test
    void damagedSessionKeysFailToDecrypt() {
        for (KeyProfile profile : new KeyProfile[] {KeyProfile.ED25519, KeyProfile.RSA2048}) {
            PGPSecretKeyRing ring = TestKeys.ring(profile);
            byte[] message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ring), false, false).bytes();
            int end = packetEnd(message, 0);
            byte[] damaged = message.clone();
            damaged[end - 5] ^= 0x40; // inside the encrypted session key
            assertThatThrownBy(() -> SessionKeyDecryptor.decrypt(damaged, ring, TestKeys.storagePassphrase()))
                    .as(profile.id()).isInstanceOf(DecryptionFailedException.class);
        }
    }

    @Test
    void badInputIsAPgpInputException() {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        byte[] message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(ring), false, false).bytes();
        assertInput(new byte[0], ring, PgpInputException.Code.EMPTY);
        assertInput(TestKeys.utf8("hello, not a message"), ring, PgpInputException.Code.MALFORMED);
        assertInput(OpenPgpKeys.encode(OpenPgpKeys.publicKey(ring)), ring, PgpInputException.Code.MALFORMED);
        assertInput(Arrays.copyOf(message, 20), ring, PgpInputException.Code.MALFORMED);
        byte[] version = message.clone();
        version[2] = 5;
        assertInput(version, ring, PgpInputException.Code.UNSUPPORTED);
        byte[] algorithm = message.clone();
        algorithm[2 + 1 + 8] = 99;
        assertInput(algorithm, ring, PgpInputException.Code.UNSUPPORTED);
    }

    private static void assertInput(byte[] input, PGPSecretKeyRing ring, PgpInputException.Code code) {
        assertThatThrownBy(() -> SessionKeyDecryptor.decrypt(input, ring, TestKeys.storagePassphrase()))
                .isInstanceOfSatisfying(PgpInputException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
        assertThatThrownBy(() -> SessionKeyDecryptor.recipientKeyIds(input)).isInstanceOf(PgpInputException.class);
    }

    /** End offset of the new-format packet at {@code offset}. */
    static int packetEnd(byte[] bytes, int offset) {
        assertThat(bytes[offset] & 0xC0).as("new-format packet").isEqualTo(0xC0);
        int l1 = bytes[offset + 1] & 0xFF;
        if (l1 < 192) {
            return offset + 2 + l1;
        }
        if (l1 < 224) {
            return offset + 3 + ((l1 - 192) << 8) + (bytes[offset + 2] & 0xFF) + 192;
        }
        assertThat(l1).as("no partial length for session key packets").isEqualTo(255);
        return offset + 6 + (((bytes[offset + 2] & 0xFF) << 24) | ((bytes[offset + 3] & 0xFF) << 16)
                | ((bytes[offset + 4] & 0xFF) << 8) | (bytes[offset + 5] & 0xFF));
    }
}
