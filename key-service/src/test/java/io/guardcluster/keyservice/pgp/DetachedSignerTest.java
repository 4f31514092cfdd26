package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.junit.jupiter.api.Test;

class DetachedSignerTest {

    @Test
    void binarySignaturesVerifyForEveryKind() throws Exception {
        byte[] data = TestKeys.utf8("binary \r\n data\n\u0000\u00ff");
        for (PGPSecretKeyRing ring : new PGPSecretKeyRing[] {TestKeys.ring(KeyProfile.ED25519), TestKeys.ring(KeyProfile.RSA2048)}) {
            byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(data), ring, TestKeys.storagePassphrase(), false, false);
            PGPSignature parsed = parse(signature);
            assertThat(parsed.getSignatureType()).isEqualTo(PGPSignature.BINARY_DOCUMENT);
            assertThat(parsed.getHashAlgorithm()).isEqualTo(HashAlgorithmTags.SHA512);
            assertThat(parsed.getVersion()).isEqualTo(4);
            assertThat(parsed.getKeyID()).isEqualTo(ring.getPublicKey().getKeyID());
            assertThat(parsed.getHashedSubPackets().getIssuerFingerprint().getFingerprint())
                    .isEqualTo(ring.getPublicKey().getFingerprint());
            assertThat(verify(parsed, ring, data)).isTrue();
            assertThat(verify(parse(signature), ring, TestKeys.utf8("other data"))).isFalse();
        }
        PGPSecretKeyRing v6 = TestKeys.v6();
        PGPSignature v6Signature = parse(DetachedSigner.sign(new ByteArrayInputStream(data), v6, null, false, false));
        assertThat(v6Signature.getVersion()).isEqualTo(6);
        assertThat(verify(v6Signature, v6, data)).isTrue();
    }

    @Test
    void textSignaturesHashCanonicalLineEndings() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(TestKeys.utf8("line one\nline two\n")), ring,
                TestKeys.storagePassphrase(), true, false);
        PGPSignature parsed = parse(signature);
        assertThat(parsed.getSignatureType()).isEqualTo(PGPSignature.CANONICAL_TEXT_DOCUMENT);
        assertThat(verify(parse(signature), ring, TestKeys.utf8("line one\r\nline two\r\n"))).isTrue();
        assertThat(verify(parse(signature), ring, TestKeys.utf8("line one\nline two\n"))).isTrue();
    }

    @Test
    void armoredSignaturesHaveNoHeaders() throws Exception {
        byte[] armored = DetachedSigner.sign(new ByteArrayInputStream(TestKeys.utf8("x")), TestKeys.ring(KeyProfile.ED25519),
                TestKeys.storagePassphrase(), false, true);
        String text = new String(armored, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("-----BEGIN PGP SIGNATURE-----").contains("-----END PGP SIGNATURE-----")
                .doesNotContain("Version:");
        assertThat(verify(parse(armored), TestKeys.ring(KeyProfile.ED25519), TestKeys.utf8("x"))).isTrue();
    }

    @Test
    void refusesAWrongPassphraseAndARevokedKey() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        assertThatThrownBy(() -> DetachedSigner.sign(new ByteArrayInputStream(new byte[1]), ring, "no".toCharArray(), false, false))
                .isInstanceOf(WrongPassphraseException.class);
        PGPSecretKeyRing revoked = OpenPgpKeys.revoke(ring, OpenPgpKeys.RevocationReason.RETIRED, "", TestKeys.storagePassphrase());
        assertThatThrownBy(() -> DetachedSigner.sign(new ByteArrayInputStream(new byte[1]), revoked,
                TestKeys.storagePassphrase(), false, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no valid signing key");
    }

    static PGPSignature parse(byte[] signature) throws Exception {
        PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(signature)),
                Bc.FINGERPRINTS);
        return ((PGPSignatureList) factory.nextObject()).get(0);
    }

    static boolean verify(PGPSignature signature, PGPKeyRing ring, byte[] data) throws Exception {
        signature.init(new BcPGPContentVerifierBuilderProvider(), ring.getPublicKey(signature.getKeyID()) != null
                ? ring.getPublicKey(signature.getKeyID()) : ring.getPublicKey());
        signature.update(data);
        return signature.verify();
    }
}
