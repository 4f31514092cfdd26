package io.guardcluster.keyservice.pgp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * The one policy deciding which keys are acceptable for import and use (like PGPainless' Policy). Immutable;
 * {@link #defaults()} is what the services use, the {@code with...} methods derive variants.
 * <ul>
 * <li>versions: v4 and v6 (v3 is obsolete and broken, v5 is LibrePGP only);</li>
 * <li>algorithms: RSA and DSA/ElGamal of at least 2048 bits; EdDSA Ed25519, ECDH Cv25519, ECDSA/ECDH over NIST
 * P-256/384/521 and brainpool P256r1/P384r1/P512r1; Ed25519, X25519, Ed448, X448. Anything else (secp256k1,
 * unknown ids) is refused;</li>
 * <li>the key must have a valid user id, must be neither revoked nor expired, and must be able to encrypt;</li>
 * <li>{@link #problem(PGPKeyRing)} also checks every bound subkey's algorithm and the hash algorithm of every
 * self-signature in effect: MD5 and RIPEMD-160 never, SHA-1 only in signatures made before 2013 (the year GnuPG
 * switched its default away from it), SHA-224 and up always.</li>
 * </ul>
 */
public final class KeyPolicy {

    private static final Pattern SIZED = Pattern.compile("(RSA|DSA|ElGamal)-(\\d+)");
    private static final Set<String> CURVES = Set.of("P256", "P384", "P521", "brainpoolP256r1", "brainpoolP384r1",
            "brainpoolP512r1");
    private static final Set<String> MODERN = Set.of("EdDSA-Ed25519", "EdDSA-Ed448", "ECDH-Cv25519", "ECDH-X448",
            "Ed25519", "X25519", "Ed448", "X448");

    private static final KeyPolicy DEFAULTS = new KeyPolicy(2048, 2048, Instant.parse("2013-01-01T00:00:00Z"), true);

    private final int minRsaBits;
    private final int minDsaElGamalBits;
    private final Instant sha1Cutoff;
    private final boolean requireEncryption;

    private KeyPolicy(int minRsaBits, int minDsaElGamalBits, Instant sha1Cutoff, boolean requireEncryption) {
        this.minRsaBits = minRsaBits;
        this.minDsaElGamalBits = minDsaElGamalBits;
        this.sha1Cutoff = sha1Cutoff;
        this.requireEncryption = requireEncryption;
    }

    public static KeyPolicy defaults() {
        return DEFAULTS;
    }

    /** Variant that accepts a key without an encryption-capable key (e.g. to import a signing-only key). */
    public KeyPolicy withoutEncryptionRequirement() {
        return new KeyPolicy(minRsaBits, minDsaElGamalBits, sha1Cutoff, false);
    }

    /** Variant with another cutoff for SHA-1 self-signatures (signatures made at or after it are refused). */
    public KeyPolicy withSha1Cutoff(Instant cutoff) {
        return new KeyPolicy(minRsaBits, minDsaElGamalBits, Objects.requireNonNull(cutoff), requireEncryption);
    }

    /** Why the key is not acceptable for import or use now, empty if it is fine. */
    public Optional<String> problem(KeyInfo key) {
        return problem(key, Instant.now());
    }

    /** Why the key is not acceptable at {@code now}, empty if it is fine. */
    public Optional<String> problem(KeyInfo key, Instant now) {
        if (key.version() == 3) {
            return Optional.of("version 3 keys are obsolete and insecure");
        }
        if (key.version() != 4 && key.version() != 6) {
            return Optional.of("key version " + key.version() + " is not supported (only v4 and v6)");
        }
        Optional<String> weak = algorithmProblem(key.algorithm(), "primary key");
        if (weak.isPresent()) {
            return weak;
        }
        if (key.revoked().isPresent()) {
            return Optional.of("key is revoked" + key.revocationReason().map(r -> " (" + r + ")").orElse(""));
        }
        if (key.isExpired(now)) {
            return Optional.of("key expired on " + key.expires().orElseThrow());
        }
        if (key.userIds().isEmpty()) {
            return Optional.of("key has no valid user id");
        }
        if (requireEncryption && !key.canEncrypt()) {
            return Optional.of("key has no valid encryption key");
        }
        return Optional.empty();
    }

    /**
     * Everything {@link #problem(KeyInfo)} checks, plus the algorithm of each bound subkey and the hash algorithm of
     * each self-signature in effect.
     */
    public Optional<String> problem(PGPKeyRing ring) {
        return problem(ring, Instant.now());
    }

    public Optional<String> problem(PGPKeyRing ring, Instant now) {
        KeyEvaluation evaluation = KeyEvaluation.of(ring, now);
        Optional<String> problem = problem(KeyInfo.of(ring, evaluation), now);
        if (problem.isPresent()) {
            return problem;
        }
        for (KeyEvaluation.BoundSubkey subkey : evaluation.subkeys) {
            if (subkey.revoked()) {
                continue;
            }
            PGPPublicKey key = subkey.key();
            Optional<String> weak = algorithmProblem(KeyInfo.algorithmName(key), "subkey " + Bc.keyId(key.getKeyID()));
            if (weak.isPresent()) {
                return weak;
            }
        }
        for (PGPSignature signature : evaluation.signaturesInEffect()) {
            Optional<String> weak = hashProblem(signature);
            if (weak.isPresent()) {
                return weak;
            }
        }
        return Optional.empty();
    }

    Optional<String> algorithmProblem(String algorithm, String which) {
        Matcher sized = SIZED.matcher(algorithm);
        if (sized.matches()) {
            int bits = Integer.parseInt(sized.group(2));
            int min = sized.group(1).equals("RSA") ? minRsaBits : minDsaElGamalBits;
            return bits >= min ? Optional.empty()
                    : Optional.of(which + " is " + algorithm + ": " + sized.group(1) + " keys need at least " + min + " bits");
        }
        if (MODERN.contains(algorithm)) {
            return Optional.empty();
        }
        int dash = algorithm.indexOf('-');
        if ((algorithm.startsWith("ECDSA-") || algorithm.startsWith("ECDH-")) && CURVES.contains(algorithm.substring(dash + 1))) {
            return Optional.empty();
        }
        return Optional.of(which + " uses an unsupported algorithm (" + algorithm + ")");
    }

    private Optional<String> hashProblem(PGPSignature signature) {
        int hash = signature.getHashAlgorithm();
        String what = "a self-signature (type 0x" + Integer.toHexString(signature.getSignatureType()) + ")";
        switch (hash) {
            case HashAlgorithmTags.MD5, HashAlgorithmTags.RIPEMD160, HashAlgorithmTags.MD2, HashAlgorithmTags.TIGER_192,
                    HashAlgorithmTags.HAVAL_5_160 -> {
                return Optional.of(what + " uses the broken hash algorithm " + hashName(hash));
            }
            case HashAlgorithmTags.SHA1 -> {
                return signature.getCreationTime().toInstant().isBefore(sha1Cutoff) ? Optional.empty()
                        : Optional.of(what + " made on " + signature.getCreationTime().toInstant()
                                + " uses SHA-1, which is refused for signatures made after " + sha1Cutoff);
            }
            case HashAlgorithmTags.SHA224, HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512,
                    HashAlgorithmTags.SHA3_256, HashAlgorithmTags.SHA3_512 -> {
                return Optional.empty();
            }
            default -> {
                return Optional.of(what + " uses an unknown hash algorithm (" + hash + ")");
            }
        }
    }

    private static String hashName(int hash) {
        return switch (hash) {
            case HashAlgorithmTags.MD5 -> "MD5";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD-160";
            case HashAlgorithmTags.MD2 -> "MD2";
            default -> "#" + hash;
        };
    }
}
