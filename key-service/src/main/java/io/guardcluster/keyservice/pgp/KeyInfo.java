package io.guardcluster.keyservice.pgp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cryptlib.CryptlibObjectIdentifiers;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gnu.GNUObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.teletrust.TeleTrusTObjectIdentifiers;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * What we need to know about a key, computed from its self-signatures, each verified with BouncyCastle (see
 * {@link KeyEvaluation} for the rules).
 *
 * @param fingerprint      upper-case hex (40 digits for v4, 64 for v6)
 * @param keyId            the primary key's id, 16 upper-case hex digits
 * @param version          the primary key's packet version (4 or 6; 3 and 5 are read but refused by the policy)
 * @param algorithm        the primary key's algorithm, see {@link #algorithmName(PGPPublicKey)}
 * @param userIds          user ids bound by a valid self-certification and not revoked (also for an expired or
 *                         revoked key), in key order
 * @param emails           lower-cased addresses from the user ids ("Name &lt;addr&gt;" or a bare address), no duplicates
 * @param expires          when the key expires, from the self-signature in effect
 * @param revoked          when the key was revoked (creation time of the earliest valid key revocation)
 * @param revocationReason the revocation's reason: "COMPROMISED", "SUPERSEDED", "RETIRED", "NO_REASON" (or
 *                         "REASON_n" for other codes), followed by ": " and the description if there is one
 * @param allKeyIds        the ids of the primary key and every subkey in the ring, 16 upper-case hex digits
 * @param secret           whether this is a secret key ring
 * @param canEncrypt       whether, at evaluation time, the key is neither revoked nor expired and has a valid key
 *                         flagged for encryption
 * @param canSign          the same for signing (a signing subkey also needs its back signature)
 */
public record KeyInfo(String fingerprint, String keyId, int version, String algorithm, List<String> userIds,
        List<String> emails, Instant created, Optional<Instant> expires, Optional<Instant> revoked,
        Optional<String> revocationReason, List<String> allKeyIds, boolean secret, boolean canEncrypt,
        boolean canSign) {

    private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
    private static final Pattern BARE_ADDRESS = Pattern.compile("^\\s*([^<>\\s@]+@[^<>\\s@]+\\.[^<>\\s@]+)\\s*$");

    public KeyInfo {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        userIds = List.copyOf(userIds);
        emails = List.copyOf(emails);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(revocationReason, "revocationReason");
        allKeyIds = List.copyOf(allKeyIds);
    }

    /** Evaluated now. */
    public static KeyInfo of(PGPKeyRing ring) {
        return of(ring, Instant.now());
    }

    /** Evaluated at {@code now} (which decides {@link #canEncrypt()}/{@link #canSign()} and which signatures count). */
    public static KeyInfo of(PGPKeyRing ring, Instant now) {
        return of(ring, KeyEvaluation.of(ring, now));
    }

    static KeyInfo of(PGPKeyRing ring, KeyEvaluation evaluation) {
        PGPPublicKey primary = ring.getPublicKey();
        List<String> userIds = evaluation.userIds.stream().map(KeyEvaluation.BoundUserId::userId).toList();
        List<String> keyIds = new ArrayList<>();
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
            keyIds.add(Bc.keyId(keys.next().getKeyID()));
        }
        if (ring instanceof PGPSecretKeyRing secretRing) {
            for (Iterator<PGPPublicKey> extra = secretRing.getExtraPublicKeys(); extra.hasNext(); ) {
                String id = Bc.keyId(extra.next().getKeyID());
                if (!keyIds.contains(id)) {
                    keyIds.add(id);
                }
            }
        }
        PGPSignature revocation = evaluation.revocation;
        return new KeyInfo(
                Bc.hex(primary.getFingerprint()),
                Bc.keyId(primary.getKeyID()),
                primary.getVersion(),
                algorithmName(primary),
                userIds,
                emails(userIds),
                primary.getCreationTime().toInstant(),
                evaluation.expires,
                Optional.ofNullable(revocation).map(r -> r.getCreationTime().toInstant()),
                Optional.ofNullable(revocation).map(KeyInfo::reason),
                keyIds,
                ring instanceof PGPSecretKeyRing,
                !evaluation.usableKeys(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE).isEmpty(),
                !evaluation.usableKeys(KeyFlags.SIGN_DATA).isEmpty());
    }

    public boolean isExpired(Instant now) {
        return expires.map(e -> !now.isBefore(e)).orElse(false);
    }

    public boolean isRevoked() {
        return revoked.isPresent();
    }

    /**
     * A readable algorithm name: "RSA-3072", "DSA-2048", "ElGamal-2048", "EdDSA-Ed25519" (legacy EdDSA, id 22),
     * "ECDH-Cv25519" (legacy, id 18), "ECDSA-P256", "ECDH-P384", "ECDH-brainpoolP256r1", "Ed25519", "X25519", "Ed448",
     * "X448" (RFC 9580 ids 25-28), else "unknown-&lt;id&gt;".
     */
    public static String algorithmName(PGPPublicKey key) {
        int bits = key.getBitStrength();
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT, PublicKeyAlgorithmTags.RSA_SIGN ->
                    "RSA-" + bits;
            case PublicKeyAlgorithmTags.DSA -> "DSA-" + bits;
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL -> "ElGamal-" + bits;
            case PublicKeyAlgorithmTags.ECDH -> "ECDH-" + curveName(key);
            case PublicKeyAlgorithmTags.ECDSA -> "ECDSA-" + curveName(key);
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> "EdDSA-" + curveName(key);
            case PublicKeyAlgorithmTags.X25519 -> "X25519";
            case PublicKeyAlgorithmTags.X448 -> "X448";
            case PublicKeyAlgorithmTags.Ed25519 -> "Ed25519";
            case PublicKeyAlgorithmTags.Ed448 -> "Ed448";
            default -> "unknown-" + key.getAlgorithm();
        };
    }

    static String curveName(PGPPublicKey key) {
        if (!(key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec)) {
            return "unknown";
        }
        ASN1ObjectIdentifier oid = ec.getCurveOID();
        if (oid.equals(CryptlibObjectIdentifiers.curvey25519) || oid.equals(EdECObjectIdentifiers.id_X25519)) {
            return "Cv25519";
        }
        if (oid.equals(GNUObjectIdentifiers.Ed25519) || oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_X448)) {
            return "X448";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            return "Ed448";
        }
        if (oid.equals(SECObjectIdentifiers.secp256r1)) {
            return "P256";
        }
        if (oid.equals(SECObjectIdentifiers.secp384r1)) {
            return "P384";
        }
        if (oid.equals(SECObjectIdentifiers.secp521r1)) {
            return "P521";
        }
        if (oid.equals(SECObjectIdentifiers.secp256k1)) {
            return "secp256k1";
        }
        if (oid.equals(TeleTrusTObjectIdentifiers.brainpoolP256r1)) {
            return "brainpoolP256r1";
        }
        if (oid.equals(TeleTrusTObjectIdentifiers.brainpoolP384r1)) {
            return "brainpoolP384r1";
        }
        if (oid.equals(TeleTrusTObjectIdentifiers.brainpoolP512r1)) {
            return "brainpoolP512r1";
        }
        String nist = NISTNamedCurves.getName(oid);
        return nist != null ? nist : oid.getId();
    }

    static List<String> emails(List<String> userIds) {
        Set<String> emails = new LinkedHashSet<>();
        for (String userId : userIds) {
            Matcher angle = ANGLE_ADDRESS.matcher(userId);
            String address = null;
            while (angle.find()) {
                address = angle.group(1); // the last <...> is the address ("Name <x> <addr>")
            }
            if (address == null) {
                Matcher bare = BARE_ADDRESS.matcher(userId);
                if (bare.matches()) {
                    address = bare.group(1);
                }
            }
            if (address != null) {
                emails.add(address.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(emails);
    }

    private static String reason(PGPSignature revocation) {
        RevocationReason reason = revocation.getHashedSubPackets() == null ? null
                : revocation.getHashedSubPackets().getRevocationReason();
        if (reason == null) {
            return "NO_REASON";
        }
        String name = OpenPgpKeys.RevocationReason.ofCode(reason.getRevocationReason() & 0xFF)
                .map(Enum::name).orElse("REASON_" + (reason.getRevocationReason() & 0xFF));
        String description = reason.getRevocationDescription();
        return description == null || description.isBlank() ? name : name + ": " + description;
    }
}
