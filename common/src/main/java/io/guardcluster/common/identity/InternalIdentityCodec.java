package io.guardcluster.common.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.guardcluster.common.masterkey.MasterKey;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Signs and verifies the internal identity the gateway forwards to the services.
 *
 * <h2>Format, version 1</h2>
 * {@code v1.<master key id>.<base64url(claims)>.<base64url(HMAC-SHA256)>}; the MAC covers everything
 * before the last dot. Claims are UTF-8 lines:
 * <pre>
 * contextId \n userId \n email \n expiresAtEpochSecond \n METHOD \n authority \n uri \n nonce
 * </pre>
 * The MAC key is HKDF-derived from the master key ("guard-cluster/internal-identity/v1"): every node
 * holding the cluster's {@code oxguardpass} can check it, nobody else can mint one. The request
 * binding and the random nonce make it single-use (see {@link RequestBinding}, {@link ReplayGuard}).
 * Not encrypted: it carries nothing the services may not see.
 */
public final class InternalIdentityCodec {

    /** The request header that carries it; the gateway strips any copy arriving from outside. */
    public static final String HEADER = "X-Guard-Identity";
    /** Services refuse identities valid for longer than this: the gateway issues them for seconds. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(2);

    private static final String VERSION = "v1";
    private static final String INFO = "guard-cluster/internal-identity/v1";
    private static final int CLAIMS = 8;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeyRing ring;
    private final Clock clock;
    /** MAC keys per master key id, derived once: this runs on every request of every service. */
    private final Map<Integer, SecretKeySpec> macKeys = new HashMap<>();

    public InternalIdentityCodec(MasterKeyRing ring, Clock clock) {
        this.ring = ring;
        this.clock = clock;
        for (MasterKey key : ring.keys().values()) {
            byte[] derived = key.derive(INFO, 32);
            macKeys.put(key.id(), new SecretKeySpec(derived, "HmacSHA256"));
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** A verified identity and the nonce that makes it single-use. */
    public record Verified(InternalIdentity identity, String nonce) {
    }

    public String sign(InternalIdentity identity, RequestBinding binding) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        MasterKey key = ring.current();
        String claims = String.join("\n", Integer.toString(identity.contextId()), Integer.toString(identity.userId()),
                identity.email(), Long.toString(identity.expiresAt().getEpochSecond()), binding.method(),
                binding.authority(), binding.uri(), B64.encodeToString(nonce));
        String signed = VERSION + "." + key.id() + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(mac(key.id(), signed));
    }

    /**
     * @throws InvalidIdentityException if malformed, forged, signed by an unknown key, expired,
     *         valid for implausibly long, or issued for another request
     */
    public Verified verify(String token, RequestBinding actual) throws InvalidIdentityException {
        if (token == null || token.length() > 8192) {
            throw new InvalidIdentityException("missing or oversized internal identity");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        MasterKey key;
        byte[] claimed;
        byte[] claimsBytes;
        try {
            key = ring.byId(Integer.parseInt(parts[1])).orElseThrow(
                    () -> new InvalidIdentityException("internal identity signed with an unknown master key"));
            claimed = B64D.decode(parts[3]);
            claimsBytes = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        byte[] expected = mac(key.id(), parts[0] + "." + parts[1] + "." + parts[2]);
        if (!MessageDigest.isEqual(expected, claimed)) {
            throw new InvalidIdentityException("internal identity signature does not verify");
        }
        String[] claims = new String(claimsBytes, StandardCharsets.UTF_8).split("\n", -1);
        if (claims.length != CLAIMS) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        InternalIdentity identity;
        RequestBinding bound;
        try {
            identity = new InternalIdentity(Integer.parseInt(claims[0]), Integer.parseInt(claims[1]), claims[2],
                    Instant.ofEpochSecond(Long.parseLong(claims[3])));
            bound = new RequestBinding(claims[4], claims[5], claims[6]);
        } catch (IllegalArgumentException e) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        Instant now = clock.instant();
        if (!identity.expiresAt().isAfter(now)) {
            throw new InvalidIdentityException("internal identity has expired");
        }
        if (identity.expiresAt().isAfter(now.plus(MAX_LIFETIME))) {
            throw new InvalidIdentityException("internal identity is valid for implausibly long");
        }
        if (!bound.equals(actual)) {
            throw new InvalidIdentityException("internal identity was issued for another request");
        }
        return new Verified(identity, claims[7]);
    }

    private byte[] mac(int keyId, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKeys.get(keyId));
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
