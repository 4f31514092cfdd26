package io.guardcluster.keyservice.keycache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Pattern;

import io.guardcluster.common.seal.SealException;
import io.guardcluster.common.seal.Sealer;

/**
 * The pool's keys and values in Infinispan.
 *
 * <ul>
 * <li>Slot {@code i} of profile {@code p} is the key {@code p/i} (for {@code i < size}); its value is
 * the pooled key, sealed.</li>
 * <li>The right to fill that slot is the key {@code p/i/lease}; its value is a random token of the
 * replica that holds it, with a lifespan.</li>
 * </ul>
 *
 * A pooled key is sealed ({@link Sealer}, purpose {@value #SEAL_PURPOSE}) together with the slot it
 * was made for: the sealed plaintext is {@code "guard-key-cache/v1 p/i\n"} followed by the key's bytes.
 * Opening checks that line, so an entry copied or moved to another slot or profile is rejected like
 * a tampered one.
 */
final class PoolEntries {

    static final String SEAL_PURPOSE = "key-cache";
    static final Pattern PROFILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String FORMAT = "guard-key-cache/v1 ";
    private static final String LEASE_SUFFIX = "/lease";

    private PoolEntries() {
    }

    static String slotKey(String profile, int slot) {
        return profile + "/" + slot;
    }

    static String leaseKey(String profile, int slot) {
        return slotKey(profile, slot) + LEASE_SUFFIX;
    }

    /** Seals {@code key} for slot {@code slot} of {@code profile}; {@code key} is left as it was. */
    static byte[] seal(Sealer sealer, String profile, int slot, byte[] key) {
        byte[] header = header(profile, slot);
        byte[] plaintext = new byte[header.length + key.length];
        System.arraycopy(header, 0, plaintext, 0, header.length);
        System.arraycopy(key, 0, plaintext, header.length, key.length);
        try {
            return sealer.seal(SEAL_PURPOSE, plaintext);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The key sealed in {@code sealed}, if it was sealed by this cluster for exactly this slot.
     *
     * @throws SealException if it does not open (tampered, sealed under a master key this node lacks)
     * @throws MisplacedEntryException if it opens but was made for another slot or profile
     */
    static byte[] open(Sealer sealer, String profile, int slot, byte[] sealed) throws SealException, MisplacedEntryException {
        byte[] plaintext = sealer.open(SEAL_PURPOSE, sealed);
        try {
            byte[] header = header(profile, slot);
            if (plaintext.length < header.length
                    || !MessageDigest.isEqual(header, Arrays.copyOf(plaintext, header.length))) {
                throw new MisplacedEntryException();
            }
            return Arrays.copyOfRange(plaintext, header.length, plaintext.length);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] header(String profile, int slot) {
        return (FORMAT + slotKey(profile, slot) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A sealed entry that opens, but was made for another slot: moved, so not to be trusted. */
    static final class MisplacedEntryException extends Exception {
        MisplacedEntryException() {
            super("pooled key was sealed for another slot", null, false, false);
        }
    }
}
