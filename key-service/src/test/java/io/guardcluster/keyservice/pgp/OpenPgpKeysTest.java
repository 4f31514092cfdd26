package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.junit.jupiter.api.Test;

class OpenPgpKeysTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

    @Test
    void certifiedKeyHasTheSelfSignaturesFlagsAndPreferencesWeDocument() {
        KeyMaterial material = TestKeys.material(KeyProfile.ED25519);
        Instant expiry = Instant.now().plus(730, ChronoUnit.DAYS);
        PGPSecretKeyRing ring = OpenPgpKeys.certify(material, "Alice <Alice@Example.com>", Optional.of(expiry),
                TestKeys.storagePassphrase(), OpenPgpKeys.Protection.STORAGE);

        PGPPublicKey primary = ring.getPublicKey();
        assertThat(primary.getVersion()).isEqualTo(4);
        assertThat(Bc.hex(primary.getFingerprint())).isEqualTo(material.fingerprint());
        Iterator<PGPSignature> certifications = primary.getSignaturesForID("Alice <Alice@Example.com>");
        PGPSignature certification = certifications.next();
        assertThat(certifications.hasNext()).isFalse();
        assertThat(certification.getSignatureType()).isEqualTo(PGPSignature.POSITIVE_CERTIFICATION);
        assertThat(certification.getHashAlgorithm()).isEqualTo(HashAlgorithmTags.SHA512);
        PGPSignatureSubpacketVector hashed = certification.getHashedSubPackets();
        assertThat(hashed.getKeyFlags()).isEqualTo(KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        assertThat(hashed.getPreferredSymmetricAlgorithms())
                .containsExactly(SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128);
        assertThat(hashed.getPreferredHashAlgorithms()).containsExactly(HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256);
        assertThat(hashed.getPreferredCompressionAlgorithms()).contains(CompressionAlgorithmTags.UNCOMPRESSED);
        assertThat(hashed.getFeatures().getFeatures()).isEqualTo(Features.FEATURE_MODIFICATION_DETECTION);
        assertThat(hashed.isPrimaryUserID()).isTrue();
        assertThat(hashed.getIssuerFingerprint().getFingerprint()).isEqualTo(primary.getFingerprint());
        assertThat(hashed.getKeyExpirationTime())
                .isEqualTo(expiry.getEpochSecond() - material.creationTime().getEpochSecond());

        PGPSecretKey subkey = secretKeys(ring).get(1);
        PGPSignature binding = subkey.getPublicKey().getSignatures().next();
        assertThat(binding.getSignatureType()).isEqualTo(PGPSignature.SUBKEY_BINDING);
        assertThat(binding.getHashedSubPackets().getKeyFlags()).isEqualTo(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        assertThat(binding.getHashedSubPackets().getKeyExpirationTime()).isEqualTo(hashed.getKeyExpirationTime());

        for (PGPSecretKey key : ring) {
            assertThat(key.getS2KUsage()).isEqualTo(SecretKeyPacket.USAGE_SHA1);
            assertThat(key.getKeyEncryptionAlgorithm()).isEqualTo(SymmetricKeyAlgorithmTags.AES_256);
            assertThat(key.getS2K().getType()).isEqualTo(S2K.SALTED_AND_ITERATED);
            assertThat(key.getS2K().getHashAlgorithm()).isEqualTo(HashAlgorithmTags.SHA256);
            assertThat(key.getS2K().getIterationCount()).isEqualTo(1024);
        }

        KeyInfo info = KeyInfo.of(ring);
        assertThat(info.userIds()).containsExactly("Alice <Alice@Example.com>");
        assertThat(info.emails()).containsExactly("alice@example.com");
        assertThat(info.expires()).contains(expiry.truncatedTo(ChronoUnit.SECONDS));
        assertThat(info.isExpired(expiry)).isTrue();
        assertThat(info.isExpired(expiry.minusSeconds(1))).isFalse();
        assertThat(info.canEncrypt()).isTrue();
        assertThat(info.canSign()).isTrue();
        assertThat(info.secret()).isTrue();
        assertThat(info.revoked()).isEmpty();
        assertThat(KeyInfo.of(ring, expiry.plusSeconds(1)).canEncrypt()).as("expired").isFalse();
        assertThat(KeyPolicy.defaults().problem(ring)).isEmpty();
    }

    @Test
    void exportProtectionUsesTheHighCountAndReprotectRoundTrips() throws Exception {
        PGPSecretKeyRing stored = TestKeys.ring(KeyProfile.ED25519);
        PGPSecretKeyRing exported = OpenPgpKeys.reprotect(stored, TestKeys.storagePassphrase(), PASSWORD,
                OpenPgpKeys.Protection.EXPORT);
        for (PGPSecretKey key : exported) {
            assertThat(key.getS2K().getIterationCount()).isEqualTo(65011712L);
            assertThat(key.getKeyEncryptionAlgorithm()).isEqualTo(SymmetricKeyAlgorithmTags.AES_256);
        }
        assertThat(OpenPgpKeys.Protection.EXPORT.iterations()).isEqualTo(65011712L);
        assertThat(OpenPgpKeys.verifyPassphrase(exported, PASSWORD)).isTrue();
        assertThat(OpenPgpKeys.verifyPassphrase(exported, TestKeys.storagePassphrase())).isFalse();
        assertThat(OpenPgpKeys.verifyPassphrase(exported, null)).isFalse();
        assertThat(KeyInfo.of(exported).fingerprint()).isEqualTo(KeyInfo.of(stored).fingerprint());

        PGPSecretKeyRing back = OpenPgpKeys.reprotect(exported, PASSWORD, TestKeys.storagePassphrase(),
                OpenPgpKeys.Protection.STORAGE);
        assertThat(OpenPgpKeys.verifyPassphrase(back, TestKeys.storagePassphrase())).isTrue();
        assertThat(OpenPgpKeys.encode(OpenPgpKeys.publicKey(back))).isEqualTo(OpenPgpKeys.encode(OpenPgpKeys.publicKey(stored)));
    }

    @Test
    void reprotectWorksForAnImportedV6Key() throws Exception {
        PGPSecretKeyRing v6 = TestKeys.v6();
        PGPSecretKeyRing stored = OpenPgpKeys.reprotect(v6, null, TestKeys.storagePassphrase(), OpenPgpKeys.Protection.STORAGE);
        PGPSecretKeyRing reread = OpenPgpKeys.readSecret(OpenPgpKeys.encode(stored));
        assertThat(OpenPgpKeys.verifyPassphrase(reread, TestKeys.storagePassphrase())).isTrue();
        assertThat(OpenPgpKeys.verifyPassphrase(reread, PASSWORD)).isFalse();
        assertThat(KeyInfo.of(reread).fingerprint()).isEqualTo(KeyInfo.of(v6).fingerprint());
        TestKeys.Message message = TestKeys.encrypt(TestKeys.utf8("v6"), TestKeys.encryptionKey(v6), true, false);
        assertThat(SessionKeyDecryptor.decrypt(message.bytes(), reread, TestKeys.storagePassphrase()).key())
                .isEqualTo(message.sessionKey().getKey());
    }

    @Test
    void reprotectRefusesAWrongPassphraseWithoutEchoingIt() {
        PGPSecretKeyRing stored = TestKeys.ring(KeyProfile.ED25519);
        char[] wrong = "wrong-passphrase-123".toCharArray();
        assertThatThrownBy(() -> OpenPgpKeys.reprotect(stored, wrong, PASSWORD, OpenPgpKeys.Protection.EXPORT))
                .isInstanceOf(WrongPassphraseException.class)
                .hasMessageNotContaining("wrong-passphrase-123")
                .hasMessageNotContaining(TestKeys.STORAGE_SECRET);
        assertThatThrownBy(() -> OpenPgpKeys.reprotect(stored, null, PASSWORD, OpenPgpKeys.Protection.EXPORT))
                .isInstanceOf(WrongPassphraseException.class);
    }

    @Test
    void reprotectAcceptsAnUnprotectedKeyAndCanRemoveProtection() throws Exception {
        PGPSecretKeyRing open = OpenPgpKeys.certify(TestKeys.material(KeyProfile.RSA2048), "Open <open@example.com>",
                Optional.empty(), null, OpenPgpKeys.Protection.STORAGE);
        for (PGPSecretKey key : open) {
            assertThat(key.getS2KUsage()).isEqualTo(SecretKeyPacket.USAGE_NONE);
        }
        assertThat(OpenPgpKeys.verifyPassphrase(open, null)).isTrue();
        assertThat(OpenPgpKeys.verifyPassphrase(open, "anything".toCharArray())).isTrue();
        PGPSecretKeyRing closed = OpenPgpKeys.reprotect(open, new char[0], PASSWORD, OpenPgpKeys.Protection.STORAGE);
        assertThat(OpenPgpKeys.verifyPassphrase(closed, PASSWORD)).isTrue();
        assertThat(OpenPgpKeys.verifyPassphrase(closed, null)).isFalse();
        PGPSecretKeyRing reopened = OpenPgpKeys.reprotect(closed, PASSWORD, null, OpenPgpKeys.Protection.STORAGE);
        assertThat(OpenPgpKeys.verifyPassphrase(reopened, null)).isTrue();
    }

    @Test
    void addUserIdCertifiesTheNewIdWithTheSamePreferencesAndExpiry() throws Exception {
        Instant expiry = Instant.now().plus(365, ChronoUnit.DAYS);
        PGPSecretKeyRing ring = OpenPgpKeys.certify(TestKeys.material(KeyProfile.ED25519), "Alice <alice@example.com>",
                Optional.of(expiry), TestKeys.storagePassphrase(), OpenPgpKeys.Protection.STORAGE);
        PGPSecretKeyRing more = OpenPgpKeys.addUserId(ring, "Alice Work <ALICE@work.example>", TestKeys.storagePassphrase());

        KeyInfo info = KeyInfo.of(more);
        assertThat(info.userIds()).containsExactly("Alice <alice@example.com>", "Alice Work <ALICE@work.example>");
        assertThat(info.emails()).containsExactly("alice@example.com", "alice@work.example");
        assertThat(info.expires()).contains(expiry.truncatedTo(ChronoUnit.SECONDS));
        PGPSignature added = more.getPublicKey().getSignaturesForID("Alice Work <ALICE@work.example>").next();
        assertThat(added.getSignatureType()).isEqualTo(PGPSignature.POSITIVE_CERTIFICATION);
        assertThat(added.getHashedSubPackets().isPrimaryUserID()).isFalse();
        assertThat(added.getHashedSubPackets().getKeyFlags()).isEqualTo(KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        assertThat(added.getHashedSubPackets().getPreferredSymmetricAlgorithms())
                .containsExactly(SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128);
        assertThat(OpenPgpKeys.verifyPassphrase(more, TestKeys.storagePassphrase())).isTrue();

        assertThat(OpenPgpKeys.addUserId(more, "Alice <alice@example.com>", TestKeys.storagePassphrase()))
                .as("already there").isSameAs(more);
        assertThatThrownBy(() -> OpenPgpKeys.addUserId(ring, "Eve <eve@example.com>", "nope".toCharArray()))
                .isInstanceOf(WrongPassphraseException.class);
        assertThatThrownBy(() -> OpenPgpKeys.addUserId(ring, "bad\nid", TestKeys.storagePassphrase()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void revokeAddsAKeyRevocationThatKeyInfoAndThePublicKeyShow() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        PGPSecretKeyRing revoked = OpenPgpKeys.revoke(ring, OpenPgpKeys.RevocationReason.COMPROMISED,
                "laptop stolen", TestKeys.storagePassphrase());

        KeyInfo info = KeyInfo.of(revoked);
        assertThat(info.revoked()).isPresent();
        assertThat(info.revocationReason()).contains("COMPROMISED: laptop stolen");
        assertThat(info.userIds()).as("still listed").containsExactly(TestKeys.userId(KeyProfile.ED25519));
        assertThat(info.canEncrypt()).isFalse();
        assertThat(info.canSign()).isFalse();
        assertThat(KeyPolicy.defaults().problem(info)).hasValueSatisfying(p -> assertThat(p).contains("revoked"));

        PGPPublicKeyRing publicKey = OpenPgpKeys.publicKey(revoked);
        assertThat(publicKey.getPublicKey().getSignaturesOfType(PGPSignature.KEY_REVOCATION).hasNext()).isTrue();
        KeyInfo publicInfo = KeyInfo.of(OpenPgpKeys.readPublic(OpenPgpKeys.encode(publicKey)));
        assertThat(publicInfo.revocationReason()).contains("COMPROMISED: laptop stolen");
        assertThat(publicInfo.secret()).isFalse();

        PGPSecretKeyRing retired = OpenPgpKeys.revoke(ring, OpenPgpKeys.RevocationReason.RETIRED, null,
                TestKeys.storagePassphrase());
        assertThat(KeyInfo.of(retired).revocationReason()).contains("RETIRED");
        assertThat(KeyInfo.of(ring).revoked()).as("the original is unchanged").isEmpty();
        assertThatThrownBy(() -> OpenPgpKeys.revoke(ring, OpenPgpKeys.RevocationReason.NO_REASON, "", "x".toCharArray()))
                .isInstanceOf(WrongPassphraseException.class);
    }

    @Test
    void encodeArmorAndReadBackPublicAndSecret() {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.RSA2048);
        PGPPublicKeyRing publicKey = OpenPgpKeys.publicKey(ring);
        assertThat(publicKey.getPublicKeys()).toIterable().hasSize(2);

        String armoredPublic = OpenPgpKeys.armor(publicKey);
        assertThat(armoredPublic).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .contains("-----END PGP PUBLIC KEY BLOCK-----").doesNotContain("Version:").doesNotContain("Comment:");
        String armoredSecret = OpenPgpKeys.armor(ring);
        assertThat(armoredSecret).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----").doesNotContain("Version:");

        byte[] binaryPublic = OpenPgpKeys.encode(publicKey);
        byte[] binarySecret = OpenPgpKeys.encode(ring);
        assertThat(binaryPublic[0] & 0xFF).as("new-format public key packet").isEqualTo(0xC6);
        assertThat(binarySecret[0] & 0xFF).as("new-format secret key packet").isEqualTo(0xC5);
        assertThat(OpenPgpKeys.encode(OpenPgpKeys.readPublic(binaryPublic))).isEqualTo(binaryPublic);
        assertThat(OpenPgpKeys.encode(OpenPgpKeys.readSecret(binarySecret))).isEqualTo(binarySecret);
        assertThatThrownBy(() -> OpenPgpKeys.readPublic(binarySecret)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenPgpKeys.readSecret(binaryPublic)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenPgpKeys.readSecret("garbage".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void certifyRefusesBadArguments() {
        KeyMaterial material = TestKeys.material(KeyProfile.ED25519);
        assertThatThrownBy(() -> OpenPgpKeys.certify(material, " ", Optional.empty(), null, OpenPgpKeys.Protection.STORAGE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenPgpKeys.certify(material, "A <a@b.c>", Optional.of(material.creationTime().minusSeconds(5)),
                null, OpenPgpKeys.Protection.STORAGE)).isInstanceOf(IllegalArgumentException.class);
    }

    static List<PGPSecretKey> secretKeys(PGPSecretKeyRing ring) {
        List<PGPSecretKey> keys = new java.util.ArrayList<>();
        ring.forEach(keys::add);
        return keys;
    }
}
