package io.guardcluster.keyservice.directory.openpgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUserAttributeSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

import io.guardcluster.keyservice.directory.MailAddress;

/**
 * The OpenPGP side of the directory: the stored binary transferable public keys, armored, summarised
 * for an index, or cut down to one address for WKD. Pure functions on small inputs (no I/O), cheap
 * enough for the event loop.
 */
public final class PublicKeys {

    private static final String ED25519_LEGACY = "1.3.6.1.4.1.11591.15.1";
    private static final String CV25519 = "1.3.6.1.4.1.3029.1.5.1";

    private PublicKeys() {
    }

    /** One armored "PUBLIC KEY BLOCK" holding every key (what HKP {@code op=get} answers). */
    public static String armor(List<byte[]> keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            for (byte[] key : keys) {
                armored.write(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    public static PGPPublicKeyRing parse(byte[] key) {
        try {
            return new PGPPublicKeyRing(key, new BcKeyFingerprintCalculator());
        } catch (IOException e) {
            throw new UncheckedIOException("stored public key cannot be parsed", e);
        }
    }

    public static KeySummary summarise(byte[] key) {
        PGPPublicKey primary = parse(key).getPublicKey();
        Instant created = primary.getCreationTime().toInstant();
        long validSeconds = primary.getValidSeconds();
        Instant expires = validSeconds > 0 ? created.plusSeconds(validSeconds) : null;
        List<KeySummary.UserId> userIds = new ArrayList<>();
        for (Iterator<byte[]> it = primary.getRawUserIDs(); it.hasNext();) {
            byte[] raw = it.next();
            userIds.add(new KeySummary.UserId(raw, userIdRevoked(primary, raw)));
        }
        return new KeySummary(HexFormat.of().withUpperCase().formatHex(primary.getFingerprint()),
                primary.getAlgorithm(), bits(primary), created, expires, primary.hasRevocation(), List.copyOf(userIds));
    }

    /**
     * The key with only the user IDs that carry {@code address} (WKD: a key served for an address
     * should show that address only), keeping the primary key's own signatures (revocations, direct
     * key signatures) and all subkeys. User attributes (photos) are dropped. If no user ID carries the
     * address, the key is returned whole rather than without any user ID (which no client imports).
     */
    public static byte[] onlyUserIdsFor(byte[] key, String address) {
        PGPPublicKeyRing ring = parse(key);
        PGPPublicKey primary = ring.getPublicKey();
        PGPPublicKey filtered = primary;
        boolean kept = false;
        for (Iterator<byte[]> it = primary.getRawUserIDs(); it.hasNext();) {
            byte[] raw = it.next();
            if (carries(raw, address)) {
                kept = true;
            } else {
                filtered = PGPPublicKey.removeCertification(filtered, raw);
            }
        }
        if (!kept) {
            return key;
        }
        for (Iterator<PGPUserAttributeSubpacketVector> it = primary.getUserAttributes(); it.hasNext();) {
            filtered = PGPPublicKey.removeCertification(filtered, it.next());
        }
        try {
            return PGPPublicKeyRing.insertPublicKey(ring, filtered).getEncoded(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean carries(byte[] rawUserId, String address) {
        Optional<String> carried = MailAddress.fromUserId(new String(rawUserId, StandardCharsets.UTF_8));
        return carried.isPresent() && carried.get().equals(address.toLowerCase(Locale.ROOT));
    }

    private static boolean userIdRevoked(PGPPublicKey primary, byte[] rawUserId) {
        Iterator<PGPSignature> sigs = primary.getSignaturesForID(rawUserId);
        while (sigs != null && sigs.hasNext()) {
            PGPSignature sig = sigs.next();
            if (sig.getSignatureType() == PGPSignature.CERTIFICATION_REVOCATION
                    && sig.hasKeyIdentifier(primary.getKeyIdentifier())) {
                return true;
            }
        }
        return false;
    }

    /** The length GnuPG shows: 255 for Curve25519, 448 for Curve448, otherwise BouncyCastle's bit strength. */
    static int bits(PGPPublicKey key) {
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.X25519 -> 255;
            case PublicKeyAlgorithmTags.Ed448, PublicKeyAlgorithmTags.X448 -> 448;
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.ECDH -> {
                if (key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec) {
                    String curve = ec.getCurveOID().getId();
                    if (ED25519_LEGACY.equals(curve) || CV25519.equals(curve) || "1.3.101.112".equals(curve)
                            || "1.3.101.110".equals(curve)) {
                        yield 255;
                    }
                }
                yield key.getBitStrength();
            }
            default -> key.getBitStrength();
        };
    }
}
