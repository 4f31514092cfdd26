package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.guardcluster.keyservice.support.PgpPeers;
import io.guardcluster.testing.Processes;

/** Interop with GnuPG 2.2, both directions. One gpg home for the class. */
class GpgInteropTest {

    private static final byte[] PLAINTEXT = TestKeys.utf8("Hallo GnuPG, here is Guard.\nZeile zwei: äöü\n");
    private static PgpPeers.Gpg gpg;

    @BeforeAll
    static void startGpg() {
        gpg = new PgpPeers.Gpg();
    }

    @AfterAll
    static void stopGpg() {
        if (gpg != null) {
            gpg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa2048", "rsa3072", "rsa4096"})
    void gpgImportsOurPublicKeyAndWhatItEncryptsToItWeCanDecrypt(String id) throws Exception {
        KeyProfile profile = KeyProfile.parse(id);
        PGPSecretKeyRing ring = TestKeys.ring(profile);
        KeyInfo info = KeyInfo.of(ring);
        gpg.importKey(OpenPgpKeys.armor(OpenPgpKeys.publicKey(ring)).getBytes(StandardCharsets.US_ASCII));

        List<String> listing = gpg.colons(false, info.fingerprint()).lines().toList();
        String pub = listing.stream().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow();
        String[] fields = pub.split(":");
        assertThat(fields[1]).as("validity (not revoked/expired/invalid)").isIn("-", "q", "f", "u", "m", "n", "o");
        assertThat(fields[3]).as("algorithm").isEqualTo(profile.algorithm() == KeyProfile.Algorithm.ED25519 ? "22" : "1");
        if (profile.algorithm() == KeyProfile.Algorithm.RSA) {
            assertThat(fields[2]).isEqualTo(String.valueOf(profile.rsaBits()));
        }
        assertThat(fields[11]).as("key capabilities").contains("s").contains("c").contains("E");
        assertThat(PgpPeers.Gpg.fingerprint(String.join("\n", listing))).isEqualTo(info.fingerprint());
        assertThat(listing).anyMatch(l -> l.startsWith("uid:") && l.contains(TestKeys.userId(profile)));
        assertThat(listing).anyMatch(l -> l.startsWith("sub:") && l.split(":")[11].contains("e"));

        byte[] message = gpg.encrypt(PLAINTEXT, info.fingerprint());
        assertThat(SessionKeyDecryptor.recipientKeyIds(message)).containsExactly(info.allKeyIds().get(1));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, ring, TestKeys.storagePassphrase());
        assertThat(sessionKey.symmetricAlgorithm()).as("gpg follows our preference").isEqualTo(9);
        assertThat(gpg.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);
        assertThat(TestKeys.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);
    }

    @Test
    void gpgVerifiesOurDetachedSignatures() throws Exception {
        byte[] data = TestKeys.utf8("signed by Guard\nsecond line\n");
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA3072)) {
            PGPSecretKeyRing ring = TestKeys.ring(profile);
            String fingerprint = KeyInfo.of(ring).fingerprint();
            gpg.importKey(OpenPgpKeys.encode(OpenPgpKeys.publicKey(ring)));
            for (boolean text : new boolean[] {false, true}) {
                for (boolean armored : new boolean[] {false, true}) {
                    byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(data), ring,
                            TestKeys.storagePassphrase(), text, armored);
                    Processes.Result result = gpg.verify(signature, data);
                    assertThat(result.exit()).as(result.stderr()).isZero();
                    assertThat(result.out()).contains("[GNUPG:] GOODSIG").contains("[GNUPG:] VALIDSIG " + fingerprint);
                    byte[] tampered = TestKeys.utf8("signed by Guard\nsecond line!\n");
                    assertThat(gpg.verify(signature, tampered).out()).contains("[GNUPG:] BADSIG");
                }
            }
        }
    }

    @Test
    void gpgImportsOurExportedPrivateKeyWithThePasswordAndCanUseIt() throws Exception {
        // As the key cache makes them: the subkey bound when the material was generated, the user id at the claim.
        KeyMaterial material = TestKeys.material(KeyProfile.RSA2048);
        java.util.Optional<Instant> expiry = java.util.Optional.of(material.creationTime().plus(30, ChronoUnit.DAYS));
        PGPSecretKeyRing stored = OpenPgpKeys.certify(OpenPgpKeys.bindSubkey(material, expiry),
                "Export Me <export@guard.example>", expiry, TestKeys.storagePassphrase(), OpenPgpKeys.Protection.STORAGE);
        String password = "Tr0ub4dor&3 with spaces";
        PGPSecretKeyRing exported = OpenPgpKeys.reprotect(stored, TestKeys.storagePassphrase(), password.toCharArray(),
                OpenPgpKeys.Protection.EXPORT);
        String fingerprint = KeyInfo.of(exported).fingerprint();

        gpg.importSecretKey(OpenPgpKeys.armor(exported).getBytes(StandardCharsets.US_ASCII), password);
        String secret = gpg.colons(true, fingerprint);
        assertThat(secret).contains("sec:").contains(fingerprint).contains("Export Me <export@guard.example>");

        byte[] data = TestKeys.utf8("gpg signs with the key we exported");
        byte[] signature = gpg.sign(data, fingerprint, password);
        assertThat(DetachedSignerTest.verify(DetachedSignerTest.parse(signature), exported, data)).isTrue();
        // and it decrypts with the subkey it imported
        byte[] message = TestKeys.encrypt(PLAINTEXT, TestKeys.encryptionKey(exported), false, false).bytes();
        Processes.Result decrypted = gpg.gpg(message, "--pinentry-mode", "loopback", "--passphrase", password,
                "--decrypt", "--output", "-").ok();
        assertThat(decrypted.stdout()).isEqualTo(PLAINTEXT);
    }

    @Test
    void weReadAGpgGeneratedKeyAndDecryptWhatGpgEncryptsToIt() throws Exception {
        String password = "bob's password";
        String fingerprint = gpg.generate("Bob Example <Bob@Example.org>", "future-default", "1y", password);

        List<PGPKeyRing> publicRings = KeyReader.read(gpg.export(fingerprint), 1 << 20);
        assertThat(publicRings).singleElement().isInstanceOf(PGPPublicKeyRing.class);
        KeyInfo info = KeyInfo.of(publicRings.get(0));
        assertThat(info.fingerprint()).isEqualTo(fingerprint);
        assertThat(info.version()).isEqualTo(4);
        assertThat(info.algorithm()).isEqualTo("EdDSA-Ed25519");
        assertThat(info.userIds()).containsExactly("Bob Example <Bob@Example.org>");
        assertThat(info.emails()).containsExactly("bob@example.org");
        assertThat(info.expires()).hasValueSatisfying(e ->
                assertThat(e).isCloseTo(Instant.now().plus(365, ChronoUnit.DAYS), within(2, ChronoUnit.DAYS)));
        assertThat(info.revoked()).isEmpty();
        assertThat(info.allKeyIds()).hasSize(2);
        assertThat(info.canEncrypt()).isTrue();
        assertThat(info.canSign()).isTrue();
        assertThat(info.secret()).isFalse();
        assertThat(KeyPolicy.defaults().problem(publicRings.get(0))).isEmpty();

        List<PGPKeyRing> secretRings = KeyReader.read(gpg.exportSecret(fingerprint, password), 1 << 20);
        PGPSecretKeyRing secret = (PGPSecretKeyRing) secretRings.get(0);
        assertThat(KeyInfo.of(secret).secret()).isTrue();
        assertThat(OpenPgpKeys.verifyPassphrase(secret, password.toCharArray())).isTrue();

        byte[] message = gpg.encrypt(PLAINTEXT, fingerprint);
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, secret, password.toCharArray());
        assertThat(gpg.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);

        // the gpg key can be taken over into our storage protection, and still decrypts
        PGPSecretKeyRing stored = OpenPgpKeys.reprotect(secret, password.toCharArray(), TestKeys.storagePassphrase(),
                OpenPgpKeys.Protection.STORAGE);
        assertThat(SessionKeyDecryptor.decrypt(message, stored, TestKeys.storagePassphrase())).isEqualTo(sessionKey);
        // and signs in a way gpg accepts
        byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(PLAINTEXT), stored, TestKeys.storagePassphrase(), false, false);
        assertThat(gpg.verify(signature, PLAINTEXT).out()).contains("[GNUPG:] VALIDSIG " + fingerprint);
    }
}
