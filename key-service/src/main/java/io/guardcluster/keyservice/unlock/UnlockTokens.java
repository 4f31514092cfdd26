package io.guardcluster.keyservice.unlock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import io.guardcluster.common.crypto.Hkdf;
import io.guardcluster.common.infinispan.SharedCache;
import io.guardcluster.keyservice.account.KeyProtectionSecret;

/**
 * Unlock tokens ("remember my password for N minutes"), valid on every replica because they live in
 * the shared Infinispan cache.
 *
 * <h2>What is stored, and why it is safe</h2>
 * The client gets 32 random bytes (base64url). Infinispan stores, under the SHA-256 of the token, the
 * user's key-protection secret encrypted (AES-256-GCM) with a key derived from the token itself
 * (HKDF-SHA256). So Infinispan's contents alone unlock nothing, and a token alone is useless without
 * Infinispan; the entry expires with the token. Logout revokes every token of the user at once by
 * bumping the user's token generation, which each entry records.
 *
 * <pre>
 * entry, version 1: 0x01, context id (4), user id (4), generation (8), expires epoch ms (8),
 *                   nonce (12), AES-256-GCM(secret) (48); associated data: the first 25 bytes
 * </pre>
 */
@ApplicationScoped
public class UnlockTokens {

    private static final Logger LOG = Logger.getLogger(UnlockTokens.class);
    static final String CACHE = "guard-unlock-tokens";
    private static final String CACHE_CONFIG = "<distributed-cache name=\"" + CACHE + "\" mode=\"SYNC\" owners=\"2\">"
            + "<encoding media-type=\"text/plain; charset=UTF-8\"/></distributed-cache>";
    private static final byte VERSION_1 = 0x01;
    private static final int HEADER = 1 + 4 + 4 + 8 + 8;
    private static final int NONCE = 12;
    private static final int TOKEN_BYTES = 32;
    private static final byte[] INFO = "guard-cluster/unlock-token/v1".getBytes(StandardCharsets.US_ASCII);

    /** A token handed to the client. */
    public record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[token=redacted, expiresAt=" + expiresAt + "]";
        }
    }

    private final SharedCache cache;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    @Inject
    UnlockTokens(Instance<RemoteCacheManager> manager) {
        this(new SharedCache(manager, CACHE, CACHE_CONFIG, Duration.ofMillis(500), LOG), Clock.systemUTC());
    }

    UnlockTokens(SharedCache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    /** Stores a token for the user's secret. Blocking. */
    public Issued issue(int contextId, int userId, KeyProtectionSecret secret, Duration lifetime)
            throws SharedCache.UnavailableException {
        byte[] token = new byte[TOKEN_BYTES];
        random.nextBytes(token);
        long generation = generation(contextId, userId);
        Instant expiresAt = clock.instant().plus(lifetime);
        byte[] entry = new byte[HEADER + NONCE + KeyProtectionSecret.LENGTH + 16];
        ByteBuffer.wrap(entry).put(VERSION_1).putInt(contextId).putInt(userId).putLong(generation)
                .putLong(expiresAt.toEpochMilli());
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, entry, HEADER, NONCE);
        byte[] plain = secret.copyBytes();
        byte[] key = Hkdf.deriveSha256(token, null, INFO, 32);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
            cipher.updateAAD(entry, 0, HEADER);
            cipher.doFinal(plain, 0, plain.length, entry, HEADER + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
        String value = Base64.getEncoder().encodeToString(entry);
        cache.call(c -> c.putAsync(entryKey(token), value, Math.max(1, lifetime.toSeconds()), TimeUnit.SECONDS));
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        Arrays.fill(token, (byte) 0);
        return new Issued(encoded, expiresAt);
    }

    /**
     * The secret a token unlocks for this user, or empty if the token is malformed, unknown, expired,
     * revoked or someone else's (all the same to the caller). Blocking.
     */
    public Optional<KeyProtectionSecret> redeem(int contextId, int userId, String presented)
            throws SharedCache.UnavailableException {
        byte[] token = decode(presented);
        if (token == null) {
            return Optional.empty();
        }
        try {
            String value = cache.call(c -> c.getAsync(entryKey(token)));
            if (value == null) {
                return Optional.empty();
            }
            byte[] entry = Base64.getDecoder().decode(value);
            ByteBuffer header = ByteBuffer.wrap(entry);
            if (entry.length != HEADER + NONCE + KeyProtectionSecret.LENGTH + 16 || header.get() != VERSION_1
                    || header.getInt() != contextId || header.getInt() != userId) {
                return Optional.empty();
            }
            long generation = header.getLong();
            long expires = header.getLong();
            if (expires <= clock.millis() || generation != generation(contextId, userId)) {
                return Optional.empty();
            }
            byte[] key = Hkdf.deriveSha256(token, null, INFO, 32);
            try {
                Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(entry, HEADER, HEADER + NONCE));
                cipher.updateAAD(entry, 0, HEADER);
                return Optional.of(KeyProtectionSecret.takeOwnership(
                        cipher.doFinal(entry, HEADER + NONCE, entry.length - HEADER - NONCE)));
            } catch (AEADBadTagException e) {
                return Optional.empty();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } finally {
            Arrays.fill(token, (byte) 0);
        }
    }

    /** Revokes every token the user holds (logout, password change, reset). Blocking. */
    public void revokeAll(int contextId, int userId) throws SharedCache.UnavailableException {
        String key = generationKey(contextId, userId);
        for (int attempt = 0; attempt < 32; attempt++) {
            MetadataValue<String> current = cache.call(c -> c.getWithMetadataAsync(key));
            if (current == null) {
                if (cache.call(c -> c.withFlags(Flag.FORCE_RETURN_VALUE).putIfAbsentAsync(key, "1")) == null) {
                    return;
                }
            } else {
                String next = Long.toString(Long.parseLong(current.getValue()) + 1);
                if (cache.call(c -> c.replaceWithVersionAsync(key, next, current.getVersion()))) {
                    return;
                }
            }
        }
        throw new SharedCache.UnavailableException("token generation of " + contextId + "/" + userId
                + " is changing too fast", null);
    }

    private long generation(int contextId, int userId) throws SharedCache.UnavailableException {
        String value = cache.call(c -> c.getAsync(generationKey(contextId, userId)));
        return value == null ? 0 : Long.parseLong(value);
    }

    private static byte[] decode(String presented) {
        if (presented == null || presented.length() != 43) {
            return null;
        }
        try {
            byte[] token = Base64.getUrlDecoder().decode(presented);
            return token.length == TOKEN_BYTES ? token : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String entryKey(byte[] token) {
        try {
            return "t/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String generationKey(int contextId, int userId) {
        return "g/" + contextId + "/" + userId;
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher;
    }
}
