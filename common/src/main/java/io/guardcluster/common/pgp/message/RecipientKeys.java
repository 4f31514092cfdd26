package io.guardcluster.common.pgp.message;

import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.Optional;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPDefaultPolicy;
import org.bouncycastle.openpgp.api.OpenPGPPolicy;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;

/**
 * Which key of a certificate a message is encrypted to. Whether a certificate is acceptable at all (algorithms,
 * sizes, self-signature hashes) is the key service's policy; this only picks, among the keys whose binding
 * signatures verify and that are neither revoked nor expired at the given time and are flagged for encryption
 * (BouncyCastle's {@link OpenPGPCertificate} evaluation), the newest one we can encrypt to, as GnuPG does.
 */
public final class RecipientKeys {

    /**
     * BouncyCastle's default policy, plus DSA and ElGamal from 2000 bits (GnuPG's default keys before 2.1): the key
     * service accepts them from 2048 bits, and which keys are acceptable is its decision, not this selection's.
     * Configured once here, read-only afterwards.
     */
    private static final OpenPGPPolicy POLICY = new OpenPGPDefaultPolicy()
            .acceptPublicKeyAlgorithmWithMinimalStrength(PublicKeyAlgorithmTags.DSA, 2000)
            .acceptPublicKeyAlgorithmWithMinimalStrength(PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, 2000)
            .acceptPublicKeyAlgorithmWithMinimalStrength(PublicKeyAlgorithmTags.ELGAMAL_GENERAL, 2000);

    private RecipientKeys() {
    }

    /**
     * The certificate in {@code armored} (a key as key-service answers it: armored or binary, one transferable public
     * key); empty if it does not parse.
     */
    public static Optional<PGPPublicKeyRing> certificate(String armored) {
        if (armored == null) {
            return Optional.empty();
        }
        try (java.io.InputStream in = org.bouncycastle.openpgp.PGPUtil.getDecoderStream(
                new java.io.ByteArrayInputStream(armored.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
            return Optional.of(new PGPPublicKeyRing(in, new org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator()));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The (sub)key of {@code certificate} to encrypt a SEIPD v1 message to at {@code at}; empty if there is none, or if
     * the certificate says it does not read SEIPD v1 (a Features subpacket without the "modification detection"
     * bit, possible for v6 certificates).
     */
    public static Optional<PGPPublicKey> encryptionKey(PGPKeyRing certificate, Instant at) {
        Date date = Date.from(at);
        try {
            // An explicit implementation and policy: BouncyCastle's global default instance is mutable shared state.
            OpenPGPCertificate evaluated = new OpenPGPCertificate(certificate, new BcOpenPGPImplementation(), POLICY);
            Features features = evaluated.getPrimaryKey().getFeatures(date);
            if (features != null && !features.supportsModificationDetection()) {
                return Optional.empty();
            }
            return evaluated.getEncryptionKeys(date).stream()
                    .filter(key -> EncryptedSessionKey.encryptionAlgorithm(key.getPGPPublicKey().getAlgorithm()))
                    .max(Comparator.comparing(OpenPGPComponentKey::getCreationTime))
                    .map(OpenPGPComponentKey::getPGPPublicKey);
        } catch (RuntimeException e) {
            return Optional.empty(); // a certificate BouncyCastle cannot evaluate has no usable key
        }
    }
}
