package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;
import org.junit.jupiter.api.Test;

class KeyPolicyTest {

    private static final KeyPolicy POLICY = KeyPolicy.defaults();

    @Test
    void ourOwnKeysAreAcceptable() {
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA2048)) {
            PGPSecretKeyRing ring = TestKeys.ring(profile);
            assertThat(POLICY.problem(KeyInfo.of(ring))).isEmpty();
            assertThat(POLICY.problem(ring)).isEmpty();
            assertThat(POLICY.problem(OpenPgpKeys.publicKey(ring))).isEmpty();
        }
    }

    @Test
    void rsa1024IsRefused() throws Exception {
        PGPKeyPairGenerator generator = generator(Instant.now().minusSeconds(60));
        PGPSecretKeyRing weak = build(generator.generateRsaKeyPair(BigInteger.valueOf(65537), 1024),
                generator.generateRsaKeyPair(BigInteger.valueOf(65537), 1024), HashAlgorithmTags.SHA256, Instant.now(), 0);
        KeyInfo info = KeyInfo.of(weak);
        assertThat(info.algorithm()).isEqualTo("RSA-1024");
        assertThat(info.canEncrypt()).isTrue();
        assertThat(POLICY.problem(info)).hasValueSatisfying(p ->
                assertThat(p).contains("RSA-1024").contains("at least 2048"));
    }

    @Test
    void aWeakSubkeyIsFoundWhenTheWholeRingIsChecked() throws Exception {
        PGPKeyPairGenerator generator = generator(Instant.now().minusSeconds(60));
        PGPKeyPair subkey = generator.generateRsaKeyPair(BigInteger.valueOf(65537), 1024);
        PGPSecretKeyRing ring = build(generator.generateLegacyEd25519KeyPair(), subkey, HashAlgorithmTags.SHA512,
                Instant.now(), 0);
        assertThat(POLICY.problem(KeyInfo.of(ring))).as("primary is fine").isEmpty();
        assertThat(POLICY.problem(ring)).hasValueSatisfying(p ->
                assertThat(p).contains("subkey " + Bc.keyId(subkey.getKeyID())).contains("RSA-1024"));
    }

    @Test
    void sha1SelfSignaturesAreRefusedWhenMadeAfter2012AndMd5Always() throws Exception {
        PGPKeyPairGenerator recent = generator(Instant.now().minusSeconds(60));
        PGPSecretKeyRing sha1Now = build(recent.generateLegacyEd25519KeyPair(), recent.generateLegacyX25519KeyPair(),
                HashAlgorithmTags.SHA1, Instant.now(), 0);
        assertThat(KeyInfo.of(sha1Now).userIds()).as("SHA-1 signatures still bind").hasSize(1);
        assertThat(POLICY.problem(KeyInfo.of(sha1Now))).isEmpty();
        assertThat(POLICY.problem(sha1Now)).hasValueSatisfying(p -> assertThat(p).contains("SHA-1"));
        assertThat(POLICY.withSha1Cutoff(Instant.now().plusSeconds(3600)).problem(sha1Now)).isEmpty();

        Instant in2012 = Instant.parse("2012-03-01T00:00:00Z");
        PGPKeyPairGenerator old = generator(in2012);
        PGPSecretKeyRing sha1Old = build(old.generateRsaKeyPair(BigInteger.valueOf(65537), 2048),
                old.generateRsaKeyPair(BigInteger.valueOf(65537), 2048), HashAlgorithmTags.SHA1, in2012.plusSeconds(10), 0);
        assertThat(POLICY.problem(sha1Old)).isEmpty();

        PGPSecretKeyRing md5 = build(recent.generateLegacyEd25519KeyPair(), recent.generateLegacyX25519KeyPair(),
                HashAlgorithmTags.MD5, Instant.now(), 0);
        assertThat(POLICY.problem(md5)).hasValueSatisfying(p -> assertThat(p).contains("MD5"));
    }

    @Test
    void expiredRevokedUserIdLessAndEncryptionLessKeysAreRefused() throws Exception {
        Instant twoYearsAgo = Instant.now().minus(730, ChronoUnit.DAYS);
        PGPKeyPairGenerator old = generator(twoYearsAgo);
        PGPSecretKeyRing expired = build(old.generateLegacyEd25519KeyPair(), old.generateLegacyX25519KeyPair(),
                HashAlgorithmTags.SHA512, twoYearsAgo.plusSeconds(5), 365 * 86400L);
        KeyInfo info = KeyInfo.of(expired);
        assertThat(info.expires()).contains(twoYearsAgo.truncatedTo(ChronoUnit.SECONDS).plus(365, ChronoUnit.DAYS));
        assertThat(info.isExpired(Instant.now())).isTrue();
        assertThat(info.userIds()).as("an expired key still has its user ids").hasSize(1);
        assertThat(info.canEncrypt()).isFalse();
        assertThat(POLICY.problem(info)).hasValueSatisfying(p -> assertThat(p).startsWith("key expired"));
        assertThat(KeyInfo.of(expired, twoYearsAgo.plus(10, ChronoUnit.DAYS)).canEncrypt()).isTrue();

        PGPSecretKeyRing revoked = OpenPgpKeys.revoke(TestKeys.ring(KeyProfile.ED25519),
                OpenPgpKeys.RevocationReason.SUPERSEDED, "new key", TestKeys.storagePassphrase());
        assertThat(POLICY.problem(KeyInfo.of(revoked))).contains("key is revoked (SUPERSEDED: new key)");

        PGPKeyPairGenerator now = generator(Instant.now().minusSeconds(60));
        PGPKeyPair primary = now.generateLegacyEd25519KeyPair();
        PGPSignatureSubpacketGenerator direct = new PGPSignatureSubpacketGenerator();
        direct.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        PGPSecretKeyRing noUserId = new PGPKeyRingGenerator(primary, Bc.sha1(), direct.generate(), null,
                new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), null)
                .generateSecretKeyRing();
        assertThat(POLICY.problem(KeyInfo.of(noUserId))).contains("key has no valid user id");

        PGPSecretKeyRing signOnly = build(now.generateLegacyEd25519KeyPair(), null, HashAlgorithmTags.SHA512, Instant.now(), 0);
        assertThat(KeyInfo.of(signOnly).canEncrypt()).isFalse();
        assertThat(KeyInfo.of(signOnly).canSign()).isTrue();
        assertThat(POLICY.problem(KeyInfo.of(signOnly))).contains("key has no valid encryption key");
        assertThat(POLICY.withoutEncryptionRequirement().problem(KeyInfo.of(signOnly))).isEmpty();
    }

    @Test
    void signaturesByOtherKeysDoNotCount() throws Exception {
        PGPSecretKeyRing victim = TestKeys.ring(KeyProfile.ED25519);
        PGPKeyPairGenerator generator = generator(Instant.now().minusSeconds(60));
        PGPKeyPair attacker = generator.generateLegacyEd25519KeyPair();
        PGPPublicKey primary = victim.getPublicKey();
        // A key revocation and a user id certification made by another key, but claiming no issuer.
        PGPSignatureGenerator revoker = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(attacker.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512),
                attacker.getPublicKey());
        revoker.init(PGPSignature.KEY_REVOCATION, attacker.getPrivateKey());
        PGPSignatureSubpacketGenerator packets = new PGPSignatureSubpacketGenerator();
        packets.setSignatureCreationTime(true, new Date());
        revoker.setHashedSubpackets(packets.generate());
        PGPSignature forgedRevocation = revoker.generateCertification(primary);
        PGPSignatureGenerator certifier = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(attacker.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512),
                attacker.getPublicKey());
        certifier.init(PGPSignature.POSITIVE_CERTIFICATION, attacker.getPrivateKey());
        certifier.setHashedSubpackets(packets.generate());
        PGPSignature forgedUid = certifier.generateCertification("Mallory <mallory@example.com>", primary);

        PGPPublicKey tampered = PGPPublicKey.addCertification(primary, forgedRevocation);
        tampered = PGPPublicKey.addCertification(tampered, "Mallory <mallory@example.com>", forgedUid);
        PGPPublicKeyRing ring = PGPPublicKeyRing.insertPublicKey(OpenPgpKeys.publicKey(victim), tampered);
        KeyInfo info = KeyInfo.of(ring);
        assertThat(info.revoked()).isEmpty();
        assertThat(info.userIds()).containsExactly(TestKeys.userId(KeyProfile.ED25519));
        assertThat(info.emails()).doesNotContain("mallory@example.com");
    }

    @Test
    void algorithmRulesOnKeyInfoAlone() {
        assertThat(POLICY.problem(info("DSA-1024", 4))).hasValueSatisfying(p -> assertThat(p).contains("at least 2048"));
        assertThat(POLICY.problem(info("ElGamal-1024", 4))).isPresent();
        assertThat(POLICY.problem(info("DSA-2048", 4))).isEmpty();
        assertThat(POLICY.problem(info("RSA-2048", 4))).isEmpty();
        assertThat(POLICY.problem(info("RSA-2047", 4))).isPresent();
        assertThat(POLICY.problem(info("ECDSA-P256", 4))).isEmpty();
        assertThat(POLICY.problem(info("ECDH-P521", 4))).isEmpty();
        assertThat(POLICY.problem(info("ECDSA-brainpoolP384r1", 4))).isEmpty();
        assertThat(POLICY.problem(info("ECDSA-secp256k1", 4))).hasValueSatisfying(p -> assertThat(p).contains("unsupported"));
        assertThat(POLICY.problem(info("Ed25519", 6))).isEmpty();
        assertThat(POLICY.problem(info("Ed448", 6))).isEmpty();
        assertThat(POLICY.problem(info("unknown-99", 4))).isPresent();
        assertThat(POLICY.problem(info("RSA-4096", 3))).hasValueSatisfying(p -> assertThat(p).contains("version 3"));
        assertThat(POLICY.problem(info("Ed25519", 5))).hasValueSatisfying(p -> assertThat(p).contains("version 5"));
    }

    @Test
    void nistKeysAreAccepted() throws Exception {
        PGPKeyPairGenerator generator = generator(Instant.now().minusSeconds(60));
        PGPSecretKeyRing p256 = build(generator.generateNistP256ECDSAKeyPair(), generator.generateNistP256ECDHKeyPair(),
                HashAlgorithmTags.SHA256, Instant.now(), 0);
        assertThat(KeyInfo.of(p256).algorithm()).isEqualTo("ECDSA-P256");
        assertThat(POLICY.problem(p256)).isEmpty();
    }

    static KeyInfo info(String algorithm, int version) {
        return new KeyInfo("00".repeat(20), "0000000000000000", version, algorithm, List.of("A <a@example.com>"),
                List.of("a@example.com"), Instant.now().minusSeconds(10), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of("0000000000000000"), false, true, true);
    }

    static PGPKeyPairGenerator generator(Instant created) {
        return new BcPGPKeyPairGeneratorProvider().get(4, Date.from(created));
    }

    /** A v4 key with one user id, certified with {@code hash} at {@code signed}, and an optional encryption subkey. */
    static PGPSecretKeyRing build(PGPKeyPair primary, PGPKeyPair subkey, int hash, Instant signed, long expirySeconds)
            throws PGPException {
        PGPSignatureSubpacketGenerator uid = new PGPSignatureSubpacketGenerator();
        uid.setSignatureCreationTime(true, Date.from(signed));
        uid.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        if (expirySeconds > 0) {
            uid.setKeyExpirationTime(false, expirySeconds);
        }
        PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                "Policy Test <policy@example.com>", Bc.sha1(), uid.generate(), null,
                new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), hash), null);
        if (subkey != null) {
            PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
            sub.setSignatureCreationTime(true, Date.from(signed));
            sub.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
            if (expirySeconds > 0) {
                sub.setKeyExpirationTime(false, expirySeconds);
            }
            generator.addSubKey(subkey, sub.generate(), null);
        }
        return generator.generateSecretKeyRing();
    }
}
