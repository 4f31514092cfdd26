package io.guardcluster.keyservice.pgp;

import java.util.Iterator;
import java.util.Optional;

import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/** Finding and checking self-signatures with the plain BouncyCastle API. */
final class SelfSignatures {

    private static final BcPGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

    private SelfSignatures() {
    }

    /** True if the signature names {@code key} as issuer, or names no issuer at all. */
    static boolean issuedBy(PGPSignature signature, PGPPublicKey key) {
        boolean namesIssuer = signature.getKeyID() != 0
                || signature.getHashedSubPackets() != null && signature.getHashedSubPackets().hasSubpacket(SignatureSubpacketTags.ISSUER_FINGERPRINT)
                || signature.getUnhashedSubPackets() != null && signature.getUnhashedSubPackets().hasSubpacket(SignatureSubpacketTags.ISSUER_FINGERPRINT);
        return !namesIssuer || signature.hasKeyIdentifier(key.getKeyIdentifier());
    }

    /** A self-certification of a user id by the primary key, checked cryptographically. */
    static boolean verifiesUserId(PGPSignature signature, PGPPublicKey primary, String userId) {
        try {
            signature.init(VERIFIERS, primary);
            return signature.verifyCertification(userId, primary);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    /** The newest valid positive/casual/persona/generic self-certification over any user id of the primary key. */
    static Optional<PGPSignature> latestCertification(PGPPublicKey primary) {
        PGPSignature latest = null;
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext(); ) {
            String userId = ids.next();
            for (Iterator<PGPSignature> sigs = primary.getSignaturesForID(userId); sigs != null && sigs.hasNext(); ) {
                PGPSignature sig = sigs.next();
                if (isCertification(sig.getSignatureType()) && issuedBy(sig, primary)
                        && (latest == null || sig.getCreationTime().after(latest.getCreationTime()))
                        && verifiesUserId(sig, primary, userId)) {
                    latest = sig;
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    static boolean isCertification(int type) {
        return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
                || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
    }
}
