package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.guardcluster.keyservice.support.PgpPeers;
import io.guardcluster.testing.Processes;

/** Interop with Sequoia 0.27 ({@code sq inspect}, {@code sqop}), both directions. */
class SequoiaInteropTest {

    private static final byte[] PLAINTEXT = TestKeys.utf8("Hello Sequoia, this is Guard.\n");
    private static PgpPeers.Sequoia sequoia;

    @BeforeAll
    static void start() {
        sequoia = new PgpPeers.Sequoia();
    }

    @AfterAll
    static void stop() {
        if (sequoia != null) {
            sequoia.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa2048", "rsa3072", "rsa4096"})
    void sequoiaAcceptsOurPublicKeyAndWhatSqopEncryptsToItWeCanDecrypt(String id) throws Exception {
        KeyProfile profile = KeyProfile.parse(id);
        PGPSecretKeyRing ring = TestKeys.ring(profile);
        KeyInfo info = KeyInfo.of(ring);
        byte[] cert = OpenPgpKeys.armor(OpenPgpKeys.publicKey(ring)).getBytes(StandardCharsets.US_ASCII);

        String inspection = sequoia.inspect(cert);
        assertThat(inspection).contains("OpenPGP Certificate").contains(info.fingerprint())
                .contains("UserID: " + TestKeys.userId(profile))
                .contains("Key flags: certification, signing")
                .contains("Key flags: transport encryption, data-at-rest encryption")
                .doesNotContainIgnoringCase("invalid").doesNotContainIgnoringCase("revoked").doesNotContainIgnoringCase("expired");
        assertThat(inspection).contains(profile.algorithm() == KeyProfile.Algorithm.ED25519
                ? "EdDSA" : "RSA");

        byte[] message = sequoia.encrypt(PLAINTEXT, cert);
        assertThat(SessionKeyDecryptor.recipientKeyIds(message)).containsExactly(info.allKeyIds().get(1));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, ring, TestKeys.storagePassphrase());
        assertThat(sessionKey.symmetricAlgorithm()).isEqualTo(9);
        assertThat(sequoia.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);
    }

    @Test
    void sqopVerifiesOurDetachedSignatures() throws Exception {
        byte[] data = TestKeys.utf8("signed by Guard for Sequoia\nline two\n");
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA2048)) {
            PGPSecretKeyRing ring = TestKeys.ring(profile);
            byte[] cert = OpenPgpKeys.encode(OpenPgpKeys.publicKey(ring));
            String fingerprint = KeyInfo.of(ring).fingerprint();
            for (boolean text : new boolean[] {false, true}) {
                for (boolean armored : new boolean[] {false, true}) {
                    byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(data), ring, TestKeys.storagePassphrase(),
                            text, armored);
                    Processes.Result good = sequoia.verify(signature, cert, data);
                    assertThat(good.exit()).as(good.stderr()).isZero();
                    assertThat(good.out()).containsIgnoringCase(fingerprint);
                    assertThat(sequoia.verify(signature, cert, TestKeys.utf8("other")).exit()).isNotZero();
                }
            }
        }
    }

    @Test
    void weReadAnSqopGeneratedKeyAndDecryptWhatSqopEncryptsToIt() throws Exception {
        byte[] key = sequoia.generateKey("Dave Sequoia <dave@sequoia.example>");
        List<PGPKeyRing> rings = KeyReader.read(key, 1 << 20);
        assertThat(rings).singleElement().isInstanceOf(PGPSecretKeyRing.class);
        PGPSecretKeyRing secret = (PGPSecretKeyRing) rings.get(0);
        KeyInfo info = KeyInfo.of(secret);
        assertThat(info.version()).isEqualTo(4);
        assertThat(info.algorithm()).isEqualTo("EdDSA-Ed25519");
        assertThat(info.userIds()).containsExactly("Dave Sequoia <dave@sequoia.example>");
        assertThat(info.emails()).containsExactly("dave@sequoia.example");
        assertThat(info.canEncrypt()).isTrue();
        assertThat(info.canSign()).isTrue();
        assertThat(KeyPolicy.defaults().problem(secret)).isEmpty();

        byte[] cert = sequoia.extractCert(key);
        assertThat(KeyInfo.of(KeyReader.read(cert, 1 << 20).get(0)).fingerprint()).isEqualTo(info.fingerprint());
        byte[] message = sequoia.encrypt(PLAINTEXT, cert);
        assertThat(info.allKeyIds()).containsAll(SessionKeyDecryptor.recipientKeyIds(message));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, secret, null);
        assertThat(sequoia.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);

        // Sequoia's key has a separate signing subkey: we must sign with it (and Sequoia must accept that)
        byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(PLAINTEXT), secret, null, false, false);
        Processes.Result verified = sequoia.verify(signature, cert, PLAINTEXT);
        assertThat(verified.exit()).as(verified.stderr()).isZero();
    }
}
