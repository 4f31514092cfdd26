package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Evaluates a key's self-signatures at a point in time, the way RFC 9580 (5.2.3.10, 10.1) describes: every
 * signature is verified with BouncyCastle; only signatures by the primary key, not older than the key, not newer
 * than the evaluation time (plus a little clock skew) and not expired count; the newest binding of each component
 * is the one in effect. Key validity is thus independent of any hash algorithm policy: {@link KeyPolicy} judges
 * the signatures in effect separately.
 */
final class KeyEvaluation {

    /** Signatures made a little in the future (another machine's clock) still count. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final BcPGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

    /** A bound user id and its binding self-certification in effect. */
    record BoundUserId(String userId, PGPSignature binding) {
    }

    /** A subkey bound to the primary key, with its binding in effect. */
    record BoundSubkey(PGPPublicKey key, PGPSignature binding, boolean revoked, Optional<Instant> expires,
            int flags, boolean backSigned) {
    }

    final PGPPublicKey primary;
    final Instant at;
    final List<BoundUserId> userIds = new ArrayList<>();
    final List<BoundSubkey> subkeys = new ArrayList<>();
    /** The valid direct-key self-signature in effect, if any. */
    PGPSignature directKey;
    /** The earliest valid key revocation, if any. */
    PGPSignature revocation;
    Optional<Instant> expires = Optional.empty();
    int primaryFlags;

    private KeyEvaluation(PGPPublicKey primary, Instant at) {
        this.primary = primary;
        this.at = at;
    }

    static KeyEvaluation of(PGPKeyRing ring, Instant at) {
        KeyEvaluation evaluation = new KeyEvaluation(ring.getPublicKey(), at);
        evaluation.evaluatePrimary();
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
            PGPPublicKey key = keys.next();
            if (!key.isMasterKey()) {
                evaluation.evaluateSubkey(key);
            }
        }
        return evaluation;
    }

    boolean revoked() {
        return revocation != null;
    }

    boolean expiredAt(Instant time) {
        return expires.map(e -> !time.isBefore(e)).orElse(false);
    }

    /** The primary's flags when it has a binding, then each usable subkey: keys valid at the evaluation time. */
    List<PGPPublicKey> usableKeys(int flagMask) {
        List<PGPPublicKey> keys = new ArrayList<>();
        if (revoked() || expiredAt(at) || userIds.isEmpty() && directKey == null) {
            return keys;
        }
        if ((primaryFlags & flagMask) != 0 && capable(primary.getAlgorithm(), flagMask)) {
            keys.add(primary);
        }
        for (BoundSubkey subkey : subkeys) {
            boolean signing = (flagMask & (KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER)) != 0;
            if (!subkey.revoked() && subkey.expires().map(at::isBefore).orElse(true)
                    && (subkey.flags() & flagMask) != 0 && capable(subkey.key().getAlgorithm(), flagMask)
                    && (!signing || subkey.backSigned())) {
                keys.add(subkey.key());
            }
        }
        return keys;
    }

    /** Every self-signature in effect (bindings and the revocation), for policy checks. */
    List<PGPSignature> signaturesInEffect() {
        List<PGPSignature> signatures = new ArrayList<>();
        userIds.forEach(u -> signatures.add(u.binding()));
        if (directKey != null) {
            signatures.add(directKey);
        }
        if (revocation != null) {
            signatures.add(revocation);
        }
        subkeys.forEach(s -> signatures.add(s.binding()));
        return signatures;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void evaluatePrimary() {
        Instant created = primary.getCreationTime().toInstant();
        for (Iterator<PGPSignature> sigs = primary.getSignaturesOfType(PGPSignature.KEY_REVOCATION); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (counts(sig, created, false) && verifies(sig, s -> s.verifyCertification(primary))
                    && (revocation == null || sig.getCreationTime().before(revocation.getCreationTime()))) {
                revocation = sig;
            }
        }
        for (Iterator<PGPSignature> sigs = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (counts(sig, created, true) && newer(sig, directKey) && verifies(sig, s -> s.verifyCertification(primary))) {
                directKey = sig;
            }
        }
        for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
            byte[] rawId = ids.next();
            PGPSignature binding = null;
            PGPSignature uidRevocation = null;
            for (Iterator<PGPSignature> sigs = primary.getSignaturesForID(rawId); sigs != null && sigs.hasNext(); ) {
                PGPSignature sig = sigs.next();
                if (isCertification(sig.getSignatureType())) {
                    if (counts(sig, created, true) && newer(sig, binding)
                            && verifies(sig, s -> s.verifyCertification(rawId, primary))) {
                        binding = sig;
                    }
                } else if (sig.getSignatureType() == PGPSignature.CERTIFICATION_REVOCATION) {
                    if (counts(sig, created, false) && newer(sig, uidRevocation)
                            && verifies(sig, s -> s.verifyCertification(rawId, primary))) {
                        uidRevocation = sig;
                    }
                }
            }
            if (binding != null && (uidRevocation == null || uidRevocation.getCreationTime().before(binding.getCreationTime()))) {
                userIds.add(new BoundUserId(new String(rawId, StandardCharsets.UTF_8), binding));
            }
        }
        PGPSignature primaryBinding = directKey;
        if (!has(primaryBinding, SignatureSubpacketTags.KEY_EXPIRE_TIME)) {
            primaryBinding = primaryUserIdBinding().orElse(primaryBinding);
        }
        if (primaryBinding != null) {
            expires = expiry(primary, primaryBinding);
        }
        primaryFlags = flags(primary, has(directKey, SignatureSubpacketTags.KEY_FLAGS)
                ? directKey : primaryUserIdBinding().orElse(directKey));
    }

    /** The binding of the user id marked primary (newest first), else the newest binding. */
    Optional<PGPSignature> primaryUserIdBinding() {
        Comparator<PGPSignature> newestFirst = Comparator.comparing(PGPSignature::getCreationTime).reversed();
        List<PGPSignature> bindings = userIds.stream().map(BoundUserId::binding).sorted(newestFirst).toList();
        return bindings.stream().filter(s -> s.getHashedSubPackets() != null && s.getHashedSubPackets().isPrimaryUserID())
                .findFirst().or(() -> bindings.stream().findFirst());
    }

    private void evaluateSubkey(PGPPublicKey subkey) {
        Instant created = subkey.getCreationTime().toInstant();
        PGPSignature binding = null;
        PGPSignature subRevocation = null;
        for (Iterator<PGPSignature> sigs = subkey.getSignatures(); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (sig.getSignatureType() == PGPSignature.SUBKEY_BINDING) {
                if (counts(sig, created, true) && newer(sig, binding)
                        && verifies(sig, s -> s.verifyCertification(primary, subkey))) {
                    binding = sig;
                }
            } else if (sig.getSignatureType() == PGPSignature.SUBKEY_REVOCATION) {
                if (counts(sig, created, false) && newer(sig, subRevocation)
                        && verifies(sig, s -> s.verifyCertification(primary, subkey))) {
                    subRevocation = sig;
                }
            }
        }
        if (binding == null) {
            return; // not bound: not part of the key
        }
        int flags = flags(subkey, binding);
        boolean backSigned = false;
        if ((flags & (KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER)) != 0) {
            backSigned = hasBackSignature(binding, subkey);
        }
        Optional<Instant> subExpires = expiry(subkey, binding);
        if (expires.isPresent() && subExpires.map(e -> e.isAfter(expires.get())).orElse(true)) {
            subExpires = expires;
        }
        boolean revoked = subRevocation != null && !subRevocation.getCreationTime().before(binding.getCreationTime());
        subkeys.add(new BoundSubkey(subkey, binding, revoked, subExpires, flags, backSigned));
    }

    private boolean hasBackSignature(PGPSignature binding, PGPPublicKey subkey) {
        try {
            for (PGPSignatureSubpacketVector area : new PGPSignatureSubpacketVector[] {
                    binding.getHashedSubPackets(), binding.getUnhashedSubPackets()}) {
                if (area == null) {
                    continue;
                }
                PGPSignatureList embedded = area.getEmbeddedSignatures();
                for (PGPSignature back : embedded) {
                    if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING) {
                        PGPSignature copy = fresh(back);
                        copy.init(VERIFIERS, subkey);
                        if (copy.verifyCertification(primary, subkey)) {
                            return true;
                        }
                    }
                }
            }
        } catch (PGPException | IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Whether a signature counts at the evaluation time; bindings that have expired do not. */
    private boolean counts(PGPSignature sig, Instant componentCreated, boolean binding) {
        if (!issuedBy(sig, primary)) {
            return false;
        }
        Instant sigCreated = sig.getCreationTime().toInstant();
        if (sigCreated.isBefore(componentCreated) || sigCreated.isAfter(at.plus(CLOCK_SKEW))) {
            return false;
        }
        if (binding && sig.getHashedSubPackets() != null) {
            long lifetime = sig.getHashedSubPackets().getSignatureExpirationTime();
            if (lifetime > 0 && !at.isBefore(sigCreated.plusSeconds(lifetime))) {
                return false;
            }
        }
        return true;
    }

    /** True if the signature names {@code key} as issuer, or names no issuer at all. */
    static boolean issuedBy(PGPSignature signature, PGPPublicKey key) {
        boolean namesIssuer = signature.getKeyID() != 0
                || has(signature, SignatureSubpacketTags.ISSUER_FINGERPRINT)
                || signature.getUnhashedSubPackets() != null
                        && signature.getUnhashedSubPackets().hasSubpacket(SignatureSubpacketTags.ISSUER_FINGERPRINT);
        return !namesIssuer || signature.hasKeyIdentifier(key.getKeyIdentifier());
    }

    static boolean isCertification(int type) {
        return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
                || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
    }

    private static boolean newer(PGPSignature candidate, PGPSignature current) {
        return current == null || !candidate.getCreationTime().before(current.getCreationTime());
    }

    @FunctionalInterface
    private interface Check {
        boolean verify(PGPSignature initialised) throws PGPException;
    }

    private boolean verifies(PGPSignature sig, Check check) {
        try {
            PGPSignature copy = fresh(sig); // verifying keeps state in the signature: never touch the shared one
            copy.init(VERIFIERS, primary);
            return check.verify(copy);
        } catch (PGPException | IOException | RuntimeException e) {
            return false;
        }
    }

    private static PGPSignature fresh(PGPSignature sig) throws IOException, PGPException {
        return new PGPSignature(new BCPGInputStream(new ByteArrayInputStream(sig.getEncoded())));
    }

    private static boolean has(PGPSignature sig, int subpacketType) {
        return sig != null && sig.getHashedSubPackets() != null && sig.getHashedSubPackets().hasSubpacket(subpacketType);
    }

    private static Optional<Instant> expiry(PGPPublicKey key, PGPSignature binding) {
        if (binding.getHashedSubPackets() == null) {
            return Optional.empty();
        }
        long seconds = binding.getHashedSubPackets().getKeyExpirationTime();
        return seconds > 0 ? Optional.of(key.getCreationTime().toInstant().plusSeconds(seconds)) : Optional.empty();
    }

    /** Key flags from the binding; a binding without them gets what the algorithm can do (pre-RFC 4880 keys). */
    private static int flags(PGPPublicKey key, PGPSignature binding) {
        if (has(binding, SignatureSubpacketTags.KEY_FLAGS)) {
            return binding.getHashedSubPackets().getKeyFlags();
        }
        int flags = 0;
        if (capable(key.getAlgorithm(), KeyFlags.ENCRYPT_COMMS)) {
            flags |= KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;
        }
        if (capable(key.getAlgorithm(), KeyFlags.SIGN_DATA)) {
            flags |= KeyFlags.SIGN_DATA | (key.isMasterKey() ? KeyFlags.CERTIFY_OTHER : 0);
        }
        return flags;
    }

    static boolean capable(int algorithm, int flagMask) {
        boolean encrypt = switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT,
                    PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL,
                    PublicKeyAlgorithmTags.ECDH, PublicKeyAlgorithmTags.X25519, PublicKeyAlgorithmTags.X448 -> true;
            default -> false;
        };
        boolean sign = switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.DSA,
                    PublicKeyAlgorithmTags.ECDSA, PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519,
                    PublicKeyAlgorithmTags.Ed448 -> true;
            default -> false;
        };
        return (flagMask & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0 ? encrypt : sign;
    }
}
