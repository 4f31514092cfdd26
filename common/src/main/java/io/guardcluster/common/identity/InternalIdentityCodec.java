package io.guardcluster.common.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.guardcluster.common.masterkey.MasterKey;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Signs and verifies the internal identity the gateway forwards to the services.
 *
 * <h2>Format, version 1</h2>
 * {@code v1.<master key id>.<base64url(claims)>.<base64url(HMAC-SHA256)>} where claims are the
 * UTF-8 lines {@code contextId\nuserId\nemail\nexpiresAtEpochSecond} and the MAC covers everything
 * before the last dot. The MAC key is HKDF-derived from the master key ("guard-cluster/internal-
 * identity/v1"), so every node that holds the cluster's {@code oxguardpass} can check it and nobody
 * else can mint one. Not encrypted: it carries nothing the services may not see.
 */
public final class InternalIdentityCodec {

    /** The request header that carries it; the gateway strips any copy arriving from outside. */
    public static final String HEADER = "X-Guard-Identity";

    private static final String VERSION = "v1";
    private static final String INFO = "guard-cluster/internal-identity/v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final MasterKeyRing ring;
    private final Clock clock;

    public InternalIdentityCodec(MasterKeyRing ring, Clock clock) {
        this.ring = ring;
        this.clock = clock;
    }

    public String sign(InternalIdentity identity) {
        MasterKey key = ring.current();
        String claims = identity.contextId() + "\n" + identity.userId() + "\n" + identity.email() + "\n"
                + identity.expiresAt().getEpochSecond();
        String signed = VERSION + "." + key.id() + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(mac(key, signed));
    }

    /** @throws InvalidIdentityException if malformed, forged, signed by an unknown key or expired */
    public InternalIdentity verify(String token) throws InvalidIdentityException {
        if (token == null || token.length() > 4096) {
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
        byte[] expected = mac(key, parts[0] + "." + parts[1] + "." + parts[2]);
        if (!MessageDigest.isEqual(expected, claimed)) {
            throw new InvalidIdentityException("internal identity signature does not verify");
        }
        String[] claims = new String(claimsBytes, StandardCharsets.UTF_8).split("\n", -1);
        if (claims.length != 4) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        InternalIdentity identity;
        try {
            identity = new InternalIdentity(Integer.parseInt(claims[0]), Integer.parseInt(claims[1]), claims[2],
                    Instant.ofEpochSecond(Long.parseLong(claims[3])));
        } catch (IllegalArgumentException e) {
            throw new InvalidIdentityException("malformed internal identity");
        }
        if (!identity.expiresAt().isAfter(clock.instant())) {
            throw new InvalidIdentityException("internal identity has expired");
        }
        return identity;
    }

    private static byte[] mac(MasterKey key, String signed) {
        byte[] macKey = key.derive(INFO, 32);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(macKey, (byte) 0);
        }
    }
}
