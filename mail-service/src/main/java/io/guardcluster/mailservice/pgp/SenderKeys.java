package io.guardcluster.mailservice.pgp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.pgp.message.RecipientKeys;
import io.guardcluster.common.pgp.message.SignerKeys;

/**
 * The public keys key-service knows for a message's sender, to check the sender's signatures with: the usable ones
 * and the revoked, expired or superseded ones (a signature by a revoked key must be reported as such, not as an
 * unknown signer; one by a Guard user's older key is still good).
 * Immutable.
 */
public final class SenderKeys implements SignerKeys {

    /** No sender keys (no sender address, or none found). */
    public static final SenderKeys NONE = new SenderKeys("", List.of(), Map.of());

    private final String email;
    private final List<PGPPublicKeyRing> rings;
    /** The lookup by key id over {@link #rings}: common's, as every signature check uses it. */
    private final SignerKeys byKeyId;
    /** Primary fingerprint (upper-case hex) → "revoked" / "expired" / "superseded" for keys key-service called unusable. */
    private final Map<String, String> unusable;

    private SenderKeys(String email, List<PGPPublicKeyRing> rings, Map<String, String> unusable) {
        this.email = email;
        this.rings = rings;
        this.byKeyId = SignerKeys.of(rings);
        this.unusable = unusable;
    }

    /** From key-service's answer for the sender's address. Keys that do not parse are left out. */
    public static SenderKeys of(KeyServiceClient.Recipient found) {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        Map<String, String> unusable = new HashMap<>();
        for (KeyServiceClient.RecipientKey key : found.keys()) {
            RecipientKeys.certificate(key.armored()).ifPresent(rings::add);
        }
        for (KeyServiceClient.UnusableKey key : found.unusable()) {
            RecipientKeys.certificate(key.armored()).ifPresent(ring -> {
                rings.add(ring);
                unusable.put(fingerprint(ring.getPublicKey()), key.reason());
            });
        }
        return new SenderKeys(found.email(), List.copyOf(rings), Map.copyOf(unusable));
    }

    /** Whether any of these keys may be used now (not revoked or expired). */
    public boolean hasUsableKey() {
        return rings.size() > unusable.size();
    }

    /** The sender's address these keys were found for (lower case), empty for {@link #NONE}. */
    public String email() {
        return email;
    }

    @Override
    public Optional<PGPPublicKey> find(long keyId) {
        return byKeyId.find(keyId);
    }

    /** The certificate holding {@code key} (a primary key or subkey), if it is one of these. */
    public Optional<PGPPublicKeyRing> certificateOf(PGPPublicKey key) {
        return rings.stream().filter(ring -> ring.getPublicKey(key.getKeyID()) != null).findFirst();
    }

    /** "revoked" or "expired" if key-service said the certificate with this primary fingerprint is not usable. */
    public Optional<String> unusableReason(String primaryFingerprint) {
        return Optional.ofNullable(unusable.get(primaryFingerprint));
    }

    static String fingerprint(PGPPublicKey key) {
        return java.util.HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }
}
