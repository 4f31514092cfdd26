package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptor;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Making, changing, encoding and reading our users' keys. Pure functions over BouncyCastle key rings: no I/O,
 * no state.
 */
public final class OpenPgpKeys {

    /** How a secret key is protected with its passphrase. Both use AES-256 and a SHA-1 integrity check (S2K usage 254). */
    public enum Protection {
        /**
         * The passphrase is a 256-bit random secret (the key store's own): iterated+salted S2K with SHA-256 and the
         * minimum count (1024 octets), since stretching a random secret buys nothing and costs every unlock.
         */
        STORAGE(0x00),
        /** A human password (a key the user downloads): iterated+salted S2K with SHA-256 and 65011712 octets. */
        EXPORT(0xFF);

        private final int encodedCount;

        Protection(int encodedCount) {
            this.encodedCount = encodedCount;
        }

        /** The S2K count octet (RFC 9580 3.7.1.3). */
        int encodedCount() {
            return encodedCount;
        }

        /** The number of octets hashed. */
        public long iterations() {
            return (16L + (encodedCount & 15)) << ((encodedCount >> 4) + 6);
        }
    }

    /** Reason for revocation, RFC 9580 5.2.3.31. */
    public enum RevocationReason {
        NO_REASON(RevocationReasonTags.NO_REASON),
        SUPERSEDED(RevocationReasonTags.KEY_SUPERSEDED),
        COMPROMISED(RevocationReasonTags.KEY_COMPROMISED),
        RETIRED(RevocationReasonTags.KEY_RETIRED);

        private final byte code;

        RevocationReason(byte code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The reason for an RFC 9580 code, empty for codes this enum does not name (e.g. 32, user id no longer valid). */
        public static Optional<RevocationReason> ofCode(int code) {
            for (RevocationReason reason : values()) {
                if (reason.code == code) {
                    return Optional.of(reason);
                }
            }
            return Optional.empty();
        }
    }

    static final int[] PREFERRED_SYMMETRIC = {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128};
    static final int[] PREFERRED_HASH = {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256};
    static final int[] PREFERRED_COMPRESSION = {CompressionAlgorithmTags.ZLIB, CompressionAlgorithmTags.ZIP,
            CompressionAlgorithmTags.UNCOMPRESSED};

    private OpenPgpKeys() {
    }

    /**
     * Binds material to a user id: a v4 key whose primary carries a positive self-certification of {@code userId}
     * (key flags certify+sign, preferences AES-256/AES-128, SHA-512/SHA-256, ZLIB/ZIP/none, feature MDC, primary user
     * id) and whose subkey carries a binding signature (flags encrypt communications+storage); both signatures carry
     * the expiry if there is one. The secret keys are protected with {@code passphrase} as {@code protection} says
     * (unprotected if it is null or empty). The passphrase array is not changed.
     *
     * @param expiry when the key expires; must be after the key's creation time
     */
    public static PGPSecretKeyRing certify(KeyMaterial material, String userId, Optional<Instant> expiry,
            char[] passphrase, Protection protection) {
        Objects.requireNonNull(material, "material");
        checkUserId(userId);
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(protection, "protection");
        PGPPublicKey primary = material.primary().getPublicKey();
        PGPPrivateKey primaryPrivate = material.primary().getPrivateKey();
        Date created = primary.getCreationTime();
        Date now = signatureTime(created);
        Optional<Long> expirySeconds = expiry.map(e -> expirySeconds(created, e));
        try {
            PGPSignatureSubpacketGenerator uidPackets = new PGPSignatureSubpacketGenerator();
            uidPackets.setSignatureCreationTime(true, now);
            uidPackets.setIssuerFingerprint(false, primary);
            uidPackets.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            uidPackets.setPreferredSymmetricAlgorithms(false, PREFERRED_SYMMETRIC);
            uidPackets.setPreferredHashAlgorithms(false, PREFERRED_HASH);
            uidPackets.setPreferredCompressionAlgorithms(false, PREFERRED_COMPRESSION);
            uidPackets.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
            uidPackets.setPrimaryUserID(false, true);
            expirySeconds.ifPresent(seconds -> uidPackets.setKeyExpirationTime(false, seconds));
            PGPSignatureGenerator uidSigner = signer(primary, PGPSignature.POSITIVE_CERTIFICATION, primaryPrivate);
            uidSigner.setHashedSubpackets(uidPackets.generate());
            PGPSignature uidSignature = uidSigner.generateCertification(userId, primary);
            PGPPublicKey certifiedPrimary = PGPPublicKey.addCertification(primary, userId, uidSignature);

            PGPPublicKey subkey = material.subkey().getPublicKey();
            // A binding made at generation (pooled keys) serves if it says what a new one would: saves a signature.
            PGPSignature binding = material.subkeyBinding()
                    .filter(pooled -> expirySeconds.orElse(0L) == pooled.getHashedSubPackets().getKeyExpirationTime())
                    .orElse(null);
            if (binding == null) {
                binding = subkeyBinding(material, now, expirySeconds);
            }
            PGPPublicKey boundSubkey = PGPPublicKey.addCertification(subkey, binding);

            List<PGPSecretKey> keys = new ArrayList<>(2);
            keys.add(protect(primaryPrivate, certifiedPrimary, true, passphrase, protection));
            keys.add(protect(material.subkey().getPrivateKey(), boundSubkey, false, passphrase, protection));
            return new PGPSecretKeyRing(keys);
        } catch (PGPException e) {
            throw new IllegalStateException("cannot certify key " + material.fingerprint(), e);
        }
    }

    /**
     * The material with its subkey's binding signature made now (flags encrypt communications+storage, the expiry if
     * there is one), so that {@link #certify} with the same expiry only has to certify the user id. What the key cache
     * pools: the binding is the certification that does not depend on the user.
     *
     * @param expiry when the key expires; must be after the key's creation time
     */
    public static KeyMaterial bindSubkey(KeyMaterial material, Optional<Instant> expiry) {
        Objects.requireNonNull(material, "material");
        Date created = material.primary().getPublicKey().getCreationTime();
        try {
            return material.withSubkeyBinding(subkeyBinding(material, signatureTime(created),
                    Objects.requireNonNull(expiry, "expiry").map(e -> expirySeconds(created, e))));
        } catch (PGPException e) {
            throw new IllegalStateException("cannot bind the subkey of " + material.fingerprint(), e);
        }
    }

    private static PGPSignature subkeyBinding(KeyMaterial material, Date now, Optional<Long> expirySeconds)
            throws PGPException {
        PGPPublicKey primary = material.primary().getPublicKey();
        PGPSignatureSubpacketGenerator subPackets = new PGPSignatureSubpacketGenerator();
        subPackets.setSignatureCreationTime(true, now);
        subPackets.setIssuerFingerprint(false, primary);
        subPackets.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        expirySeconds.ifPresent(seconds -> subPackets.setKeyExpirationTime(false, seconds));
        PGPSignatureGenerator subSigner = signer(primary, PGPSignature.SUBKEY_BINDING, material.primary().getPrivateKey());
        subSigner.setHashedSubpackets(subPackets.generate());
        return subSigner.generateCertification(primary, material.subkey().getPublicKey());
    }

    /**
     * Whether {@code signature} is a subkey binding of {@code subkey} by {@code primary} as {@link #bindSubkey} makes
     * them: right type and flags, and it verifies under {@code primary}.
     */
    static boolean isSubkeyBinding(PGPSignature signature, PGPPublicKey primary, PGPPublicKey subkey) {
        if (signature.getSignatureType() != PGPSignature.SUBKEY_BINDING || signature.getHashedSubPackets() == null
                || signature.getHashedSubPackets().getKeyFlags() != (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) {
            return false;
        }
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), primary);
            return signature.verifyCertification(primary, subkey);
        } catch (PGPException e) {
            return false;
        }
    }

    /**
     * The same key with every secret key protected anew. An unprotected ring is accepted with a null or empty
     * {@code oldPassphrase}; an empty {@code newPassphrase} removes the protection. Stubs (secret keys without
     * secret material, e.g. gpg's offline primary) are kept as they are.
     */
    public static PGPSecretKeyRing reprotect(PGPSecretKeyRing ring, char[] oldPassphrase, char[] newPassphrase,
            Protection protection) throws WrongPassphraseException {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(protection, "protection");
        List<PGPSecretKey> keys = new ArrayList<>();
        for (PGPSecretKey key : ring) {
            if (key.isPrivateKeyEmpty()) {
                keys.add(key);
                continue;
            }
            PGPPrivateKey privateKey = Bc.unlock(key, oldPassphrase);
            try {
                keys.add(protect(privateKey, key.getPublicKey(), key.isMasterKey(), newPassphrase, protection));
            } catch (PGPException e) {
                throw new IllegalStateException("cannot protect secret key " + Bc.keyId(key.getKeyID()), e);
            }
        }
        PGPSecretKeyRing result = new PGPSecretKeyRing(keys);
        for (Iterator<PGPPublicKey> extra = ring.getExtraPublicKeys(); extra.hasNext(); ) {
            result = PGPSecretKeyRing.insertOrReplacePublicKey(result, extra.next());
        }
        return result;
    }

    /**
     * Adds a user id with a positive self-certification that carries over the key flags, preferences, features and
     * expiry of the primary user id's self-certification in effect (else of the direct-key signature). A user id that is already on the key leaves it unchanged.
     */
    public static PGPSecretKeyRing addUserId(PGPSecretKeyRing ring, String userId, char[] passphrase)
            throws WrongPassphraseException {
        Objects.requireNonNull(ring, "ring");
        checkUserId(userId);
        PGPSecretKey primarySecret = ring.getSecretKey();
        PGPPublicKey primary = primarySecret.getPublicKey();
        for (Iterator<String> ids = primary.getUserIDs(); ids.hasNext(); ) {
            if (ids.next().equals(userId)) {
                return ring;
            }
        }
        PGPPrivateKey privateKey = Bc.unlock(primarySecret, passphrase);
        Date now = signatureTime(primary.getCreationTime());
        try {
            KeyEvaluation evaluation = KeyEvaluation.of(ring, now.toInstant());
            PGPSignatureSubpacketGenerator packets = evaluation.primaryUserIdBinding()
                    .or(() -> Optional.ofNullable(evaluation.directKey))
                    .filter(template -> template.getHashedSubPackets() != null)
                    .map(template -> new PGPSignatureSubpacketGenerator(template.getHashedSubPackets()))
                    .orElseGet(PGPSignatureSubpacketGenerator::new);
            for (int type : new int[] {SignatureSubpacketTags.CREATION_TIME, SignatureSubpacketTags.PRIMARY_USER_ID,
                    SignatureSubpacketTags.ISSUER_KEY_ID, SignatureSubpacketTags.ISSUER_FINGERPRINT,
                    SignatureSubpacketTags.EMBEDDED_SIGNATURE, SignatureSubpacketTags.EXPIRE_TIME,
                    SignatureSubpacketTags.SIGNER_USER_ID}) {
                packets.removePacketsOfType(type);
            }
            packets.setSignatureCreationTime(true, now);
            packets.setIssuerFingerprint(false, primary);
            PGPSignatureGenerator signer = signer(primary, PGPSignature.POSITIVE_CERTIFICATION, privateKey);
            signer.setHashedSubpackets(packets.generate());
            PGPSignature certification = signer.generateCertification(userId, primary);
            PGPPublicKey certified = PGPPublicKey.addCertification(primary, userId, certification);
            return PGPSecretKeyRing.insertSecretKey(ring, PGPSecretKey.replacePublicKey(primarySecret, certified));
        } catch (PGPException e) {
            throw new IllegalStateException("cannot add a user id to key " + Bc.keyId(primary.getKeyID()), e);
        }
    }

    /** Adds a key revocation signature to the primary key; the key is revoked as a whole. */
    public static PGPSecretKeyRing revoke(PGPSecretKeyRing ring, RevocationReason reason, String description,
            char[] passphrase) throws WrongPassphraseException {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(reason, "reason");
        PGPSecretKey primarySecret = ring.getSecretKey();
        PGPPublicKey primary = primarySecret.getPublicKey();
        PGPPrivateKey privateKey = Bc.unlock(primarySecret, passphrase);
        try {
            PGPSignatureSubpacketGenerator packets = new PGPSignatureSubpacketGenerator();
            packets.setSignatureCreationTime(true, signatureTime(primary.getCreationTime()));
            packets.setIssuerFingerprint(false, primary);
            packets.setRevocationReason(false, reason.code, description == null ? "" : description);
            PGPSignatureGenerator signer = signer(primary, PGPSignature.KEY_REVOCATION, privateKey);
            signer.setHashedSubpackets(packets.generate());
            PGPSignature revocation = signer.generateCertification(primary);
            PGPPublicKey revoked = PGPPublicKey.addCertification(primary, revocation);
            return PGPSecretKeyRing.insertSecretKey(ring, PGPSecretKey.replacePublicKey(primarySecret, revoked));
        } catch (PGPException e) {
            throw new IllegalStateException("cannot revoke key " + Bc.keyId(primary.getKeyID()), e);
        }
    }

    /** The certificate (public key) of a secret key ring, with every signature, revocations included. */
    public static PGPPublicKeyRing publicKey(PGPSecretKeyRing ring) {
        return ring.toCertificate();
    }

    /** The binary transferable key (RFC 9580 10.1/10.2), new-format packet headers, no trust packets. */
    public static byte[] encode(PGPKeyRing ring) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BCPGOutputStream out = new BCPGOutputStream(bytes, PacketFormat.CURRENT)) {
            if (ring instanceof PGPPublicKeyRing publicRing) {
                publicRing.encode(out, true);
            } else {
                ring.encode(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode key ring", e);
        }
        return bytes.toByteArray();
    }

    /**
     * ASCII armor: "-----BEGIN PGP PUBLIC KEY BLOCK-----" for a certificate, "-----BEGIN PGP PRIVATE KEY
     * BLOCK-----" for a secret key; no Version or other headers; with CRC (accepted by every implementation).
     */
    public static String armor(PGPKeyRing ring) {
        return armor(encode(ring));
    }

    static String armor(byte[] packets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            armor.write(packets);
        } catch (IOException e) {
            throw new IllegalStateException("cannot armor", e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a secret key ring we stored (binary, exactly one ring, nothing after it).
     *
     * @throws IllegalArgumentException if the blob is not that; stored blobs are ours, so this is a bug or corruption
     */
    public static PGPSecretKeyRing readSecret(byte[] binary) {
        return readStored(binary, PGPSecretKeyRing.class);
    }

    /**
     * Reads a certificate we stored (binary, exactly one ring, nothing after it).
     *
     * @throws IllegalArgumentException if the blob is not that
     */
    public static PGPPublicKeyRing readPublic(byte[] binary) {
        return readStored(binary, PGPPublicKeyRing.class);
    }

    private static <T extends PGPKeyRing> T readStored(byte[] binary, Class<T> type) {
        List<PGPKeyRing> rings;
        try {
            rings = KeyReader.readBinary(binary);
        } catch (PgpInputException e) {
            throw new IllegalArgumentException("stored key blob is not readable: " + e.getMessage(), e);
        }
        if (rings.size() != 1 || !type.isInstance(rings.get(0))) {
            throw new IllegalArgumentException("stored key blob holds " + rings.size() + " key(s), not one "
                    + (type == PGPSecretKeyRing.class ? "secret key" : "public key"));
        }
        T ring = type.cast(rings.get(0));
        // Ours, checked before it was stored: spare BouncyCastle the modulus checks on every signature.
        java.util.List<PGPPublicKey> keys = new java.util.ArrayList<>();
        ring.getPublicKeys().forEachRemaining(keys::add);
        Bc.trustRsaModuli(keys);
        return ring;
    }

    /** True if the passphrase unlocks every secret key of the ring that has secret material. */
    public static boolean verifyPassphrase(PGPSecretKeyRing ring, char[] passphrase) {
        try {
            for (PGPSecretKey key : ring) {
                if (!key.isPrivateKeyEmpty()) {
                    Bc.unlock(key, passphrase);
                }
            }
            return true;
        } catch (WrongPassphraseException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Hash for the signatures made with a key: SHA-512, except DSA whose q is (at most) 256 bits. */
    static int hashFor(PGPPublicKey signingKey) {
        return signingKey.getAlgorithm() == PublicKeyAlgorithmTags.DSA ? HashAlgorithmTags.SHA256 : HashAlgorithmTags.SHA512;
    }

    static PGPSignatureGenerator signer(PGPPublicKey signingKey, int signatureType, PGPPrivateKey privateKey)
            throws PGPException {
        PGPSignatureGenerator generator = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(signingKey.getAlgorithm(), hashFor(signingKey)).setSecureRandom(Bc.RANDOM),
                signingKey);
        generator.init(signatureType, privateKey);
        return generator;
    }

    /** Now, but never before the key's creation (a signature older than its key is invalid). */
    static Date signatureTime(Date keyCreated) {
        Date now = Bc.date(Instant.now());
        return now.before(keyCreated) ? keyCreated : now;
    }

    private static long expirySeconds(Date created, Instant expiry) {
        long seconds = Duration.between(created.toInstant(), expiry.truncatedTo(ChronoUnit.SECONDS)).getSeconds();
        if (seconds <= 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("expiry must be after the key's creation time and within 136 years of it");
        }
        return seconds;
    }

    private static void checkUserId(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user id must not be blank");
        }
        if (userId.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException("user id must not contain control characters");
        }
        if (userId.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("user id is longer than 1024 bytes");
        }
    }

    private static PGPSecretKey protect(PGPPrivateKey privateKey, PGPPublicKey publicKey, boolean primaryKey,
            char[] passphrase, Protection protection) throws PGPException {
        if (Bc.isEmpty(passphrase)) {
            return new PGPSecretKey(privateKey, publicKey, null, primaryKey, null);
        }
        char[] copy = passphrase.clone();
        try {
            PBESecretKeyEncryptor encryptor = new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256,
                    Bc.DIGESTS.get(HashAlgorithmTags.SHA256), protection.encodedCount())
                    .setSecureRandom(Bc.RANDOM)
                    .build(copy);
            return new PGPSecretKey(privateKey, publicKey, Bc.sha1(), primaryKey, encryptor);
        } finally {
            Bc.clear(copy);
        }
    }
}
