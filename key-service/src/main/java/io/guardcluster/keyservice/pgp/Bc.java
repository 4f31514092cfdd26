package io.guardcluster.keyservice.pgp;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.RSAPublicBCPGKey;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.operator.KeyFingerPrintCalculator;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * The BouncyCastle operators this package uses: the lightweight ({@code Bc*}) ones, which need no JCA provider
 * registration (nothing is registered globally, so Quarkus' own provider handling is left alone).
 */
final class Bc {

    static final SecureRandom RANDOM = new SecureRandom();
    static final KeyFingerPrintCalculator FINGERPRINTS = new BcKeyFingerprintCalculator();
    static final PGPDigestCalculatorProvider DIGESTS = new BcPGPDigestCalculatorProvider();

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Bc() {
    }

    static PGPDigestCalculator sha1() {
        try {
            return DIGESTS.get(HashAlgorithmTags.SHA1);
        } catch (PGPException e) {
            throw new IllegalStateException("SHA-1 digest calculator unavailable", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** A key id as 16 upper-case hex digits. */
    static String keyId(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    /** OpenPGP times have one-second resolution. */
    static Date date(Instant instant) {
        return Date.from(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    static boolean isEmpty(char[] passphrase) {
        return passphrase == null || passphrase.length == 0;
    }

    /**
     * Tells BouncyCastle that the RSA moduli of {@code ring} were already checked: keys this cluster generated (the
     * key pool's, authenticated by the master-key seal) or stored after checking them. BouncyCastle otherwise
     * re-checks an RSA modulus (Miller-Rabin, three full-size exponentiations: more than the signature itself) every
     * time it builds key parameters for it, i.e. for every signature made or verified, unless the modulus is in its
     * small cache of recently checked ones; for a key just taken from the pool it never is. Untrusted input (uploads,
     * keyrings, directory lookups) never comes through here and keeps the check.
     */
    static void trustRsaModuli(Iterable<PGPPublicKey> keys) {
        for (PGPPublicKey key : keys) {
            if (key.getPublicKeyPacket().getKey() instanceof RSAPublicBCPGKey rsa) {
                // isInternal = true: "validated elsewhere"; the constructor records the modulus in the cache.
                new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent(), true);
            }
        }
    }

    static void clear(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }

    static void clear(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The decryptor for a passphrase; {@code null} for an unprotected key (null or empty passphrase). */
    static PBESecretKeyDecryptor decryptor(char[] passphrase) {
        return new BcPBESecretKeyDecryptorBuilder(DIGESTS).build(passphrase == null ? new char[0] : passphrase);
    }

    /**
     * Unlocks one secret key. A key that is not protected is unlocked whatever the passphrase; a protected one
     * whose checksum does not match after decryption means a wrong passphrase.
     */
    static PGPPrivateKey unlock(PGPSecretKey key, char[] passphrase) throws WrongPassphraseException {
        if (key.isPrivateKeyEmpty()) {
            throw new IllegalArgumentException("secret key " + keyId(key.getKeyID()) + " has no private part (stub)");
        }
        try {
            PGPPrivateKey privateKey = key.extractPrivateKey(
                    key.getKeyEncryptionAlgorithm() == 0 ? null : decryptor(passphrase));
            if (privateKey == null) {
                throw new WrongPassphraseException("secret key " + keyId(key.getKeyID()) + " has no private part");
            }
            return privateKey;
        } catch (PGPException | RuntimeException e) {
            throw new WrongPassphraseException("wrong passphrase for secret key " + keyId(key.getKeyID()));
        }
    }
}
