package io.guardcluster.mailservice.pgp;

import java.time.Instant;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import io.guardcluster.common.pgp.message.SignatureCheck;

/**
 * What a reader is told about one signature of a mail.
 *
 * @param status      {@code valid}: made by the sender's key over exactly this content (also by a Guard user's
 *                    older key: replaced is not revoked); {@code invalid}: the
 *                    sender's key does not confirm it (the content was changed, or it is forged);
 *                    {@code unknown-signer}: no key of the sender's address has the signature's key id, so nothing
 *                    can be said; {@code revoked-key}: made by a key its owner revoked; {@code expired-key}: made by
 *                    a key after it expired
 * @param signer      the address the signer's key was looked up for (the mail's sender)
 * @param fingerprint the signer's certificate (primary key) fingerprint; null for an unknown signer
 * @param keyId       the key id the signature names
 * @param created     when the signature says it was made; null if it could not be read
 */
public record SignatureReport(String status, String signer, String fingerprint, String keyId, Instant created) {

    public static final String VALID = "valid";
    public static final String INVALID = "invalid";
    public static final String UNKNOWN_SIGNER = "unknown-signer";
    public static final String REVOKED_KEY = "revoked-key";
    public static final String EXPIRED_KEY = "expired-key";

    /** The reader's verdict on {@code check}, the sender's keys telling whether the signing key was still good. */
    public static SignatureReport of(SignatureCheck check, SenderKeys keys) {
        Instant created = check.created().orElse(null);
        if (check.status() == SignatureCheck.Status.UNKNOWN_KEY || check.key().isEmpty()) {
            return new SignatureReport(UNKNOWN_SIGNER, keys.email(), null, check.issuerKeyId(), created);
        }
        PGPPublicKey key = check.key().get();
        Optional<PGPPublicKeyRing> ring = keys.certificateOf(key);
        String fingerprint = SenderKeys.fingerprint(ring.map(PGPPublicKeyRing::getPublicKey).orElse(key));
        if (check.status() == SignatureCheck.Status.BAD) {
            return new SignatureReport(INVALID, keys.email(), fingerprint, check.issuerKeyId(), created);
        }
        Optional<String> reason = keys.unusableReason(fingerprint);
        if (reason.filter("revoked"::equals).isPresent()) {
            // A revoked key may have been stolen: whatever date a signature claims, it proves nothing any more.
            return new SignatureReport(REVOKED_KEY, keys.email(), fingerprint, check.issuerKeyId(), created);
        }
        if (reason.filter("expired"::equals).isPresent()) {
            Optional<Instant> expiry = ring.flatMap(SignatureReport::expiry);
            // Made while the key was good, the signature still stands; made after, it does not.
            if (created == null || expiry.isEmpty() || !created.isBefore(expiry.get())) {
                return new SignatureReport(EXPIRED_KEY, keys.email(), fingerprint, check.issuerKeyId(), created);
            }
        }
        return new SignatureReport(VALID, keys.email(), fingerprint, check.issuerKeyId(), created);
    }

    /** When the certificate's primary key expires, from its self-signatures (BouncyCastle's reading). */
    private static Optional<Instant> expiry(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        long seconds = primary.getValidSeconds();
        return seconds <= 0 ? Optional.empty()
                : Optional.of(primary.getCreationTime().toInstant().plusSeconds(seconds));
    }
}
