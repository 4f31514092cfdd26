package io.guardcluster.mailservice.guest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.seal.SealException;

/**
 * The secrets of the guest flow and how each is kept.
 *
 * <ul>
 * <li><b>Link token</b>: 32 random bytes, base64url, in the notification mail only. The database holds its SHA-256
 * (a dump does not open a link); lookups are by that hash, so there is nothing to compare in non-constant time.</li>
 * <li><b>PIN</b> (OX Guard's guard-pin): 4 random digits, shown to the sender once, never mailed. Stored sealed
 * with the cluster master key (purpose {@value #PIN_PURPOSE}) together with the link's hash, so a sealed PIN
 * moved to another row does not open there; compared in constant time.</li>
 * <li><b>Guest session</b>: what a guest gets for a correct password (and PIN), sealed with the master key (purpose
 * {@value #SESSION_PURPOSE}) so any replica opens it and nobody can make or read one without {@code oxguardpass}.
 * It carries key-service's unlock token for the guest; the password itself is never in it.</li>
 * </ul>
 *
 * <pre>
 * guest session, before sealing (version 1):
 * offset  size  field
 * 0       1     0x01
 * 1       8     expiry, epoch milliseconds, big-endian
 * 9       8     the guest message's row id
 * 17      32    SHA-256 of the link token (the session opens only this link)
 * 49      4     the guest's user id (context 0)
 * 53      n     key-service's unlock token for the guest, UTF-8
 * </pre>
 */
@ApplicationScoped
public class GuestTokens {

    static final String PIN_PURPOSE = "guest-pin";
    static final String SESSION_PURPOSE = "guest-session";
    private static final byte SESSION_VERSION = 1;
    private static final int HEADER = 1 + 8 + 8 + 32 + 4;

    private final ClusterMasterKey masterKey;
    private final SecureRandom random = new SecureRandom();

    GuestTokens(ClusterMasterKey masterKey) {
        this.masterKey = masterKey;
    }

    /** A new random link token. */
    public String newLinkToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of a link token as the database keeps it. */
    public static byte[] hash(String linkToken) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(linkToken.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A link token can only be our 43 base64url characters; anything else is not looked up at all. */
    public static boolean plausible(String linkToken) {
        return linkToken != null && linkToken.matches("[A-Za-z0-9_-]{43}");
    }

    /** A new 4-digit PIN. */
    public String newPin() {
        return String.format("%04d", random.nextInt(10_000));
    }

    /** The PIN sealed for the link {@code tokenHash}. */
    public byte[] sealPin(byte[] tokenHash, String pin) {
        byte[] plain = ByteBuffer.allocate(32 + 4).put(tokenHash).put(pin.getBytes(StandardCharsets.US_ASCII)).array();
        return masterKey.sealer().seal(PIN_PURPOSE, plain);
    }

    /** Whether {@code pin} is the one sealed for the link {@code tokenHash} (constant time). */
    public boolean pinMatches(byte[] sealed, byte[] tokenHash, String pin) {
        if (pin == null || !pin.matches("[0-9]{4}")) {
            return false;
        }
        try {
            byte[] plain = masterKey.sealer().open(PIN_PURPOSE, sealed);
            byte[] expected = ByteBuffer.allocate(32 + 4).put(tokenHash).put(pin.getBytes(StandardCharsets.US_ASCII)).array();
            boolean same = MessageDigest.isEqual(plain, expected);
            Arrays.fill(plain, (byte) 0);
            return same;
        } catch (SealException e) {
            return false;
        }
    }

    /** A guest session: who, which link, until when, and the unlock token for the guest's key. */
    public record Session(long row, byte[] tokenHash, int guestUser, String unlockToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "GuestSession[" + row + ", guest " + guestUser + ", until " + expiresAt + ", redacted]";
        }
    }

    /** The session sealed as the guest carries it (base64url). */
    public String seal(Session session) {
        byte[] unlock = session.unlockToken().getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(HEADER + unlock.length).put(SESSION_VERSION)
                .putLong(session.expiresAt().toEpochMilli()).putLong(session.row()).put(session.tokenHash())
                .putInt(session.guestUser()).put(unlock);
        byte[] bytes = plain.array();
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(masterKey.sealer().seal(SESSION_PURPOSE, bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The session in {@code sealed} if it opens, is ours, unexpired and for the link {@code tokenHash}. */
    public Optional<Session> open(String sealed, byte[] tokenHash, Instant now) {
        if (sealed == null || sealed.isEmpty() || sealed.length() > 4096) {
            return Optional.empty();
        }
        byte[] plain;
        try {
            plain = masterKey.sealer().open(SESSION_PURPOSE, Base64.getUrlDecoder().decode(sealed));
        } catch (IllegalArgumentException | SealException e) {
            return Optional.empty();
        }
        try {
            if (plain.length <= HEADER || plain[0] != SESSION_VERSION) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(plain);
            in.get();
            Instant expiresAt = Instant.ofEpochMilli(in.getLong());
            long row = in.getLong();
            byte[] hash = new byte[32];
            in.get(hash);
            int guestUser = in.getInt();
            String unlock = new String(plain, HEADER, plain.length - HEADER, StandardCharsets.UTF_8);
            if (!expiresAt.isAfter(now) || !MessageDigest.isEqual(hash, tokenHash)) {
                return Optional.empty();
            }
            return Optional.of(new Session(row, hash, guestUser, unlock, expiresAt));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
