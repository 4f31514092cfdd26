package io.guardcluster.keyservice.directory.wkd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The WKD hash of a local part (draft-koch-openpgp-webkey-service): SHA-1 of the local part mapped to
 * lower case, z-base-32 encoded (32 characters for the 160 bits).
 */
public final class WkdHash {

    private static final String ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

    private WkdHash() {
    }

    /** The 32-character hash {@code gpg-wks-client --print-wkd-hash} prints for an address with this local part. */
    public static String of(String localPart) {
        return encode(sha1(localPart.toLowerCase(Locale.ROOT)));
    }

    static byte[] sha1(String localPart) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(localPart.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 0x1f));
        }
        return out.toString();
    }

    /** The 20 SHA-1 bytes a 32-character hash stands for, or empty if it is not one (any case accepted). */
    static Optional<byte[]> decode(String hash) {
        if (hash == null || hash.length() != 32) {
            return Optional.empty();
        }
        byte[] out = new byte[20];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < hash.length(); i++) {
            int value = ALPHABET.indexOf(Character.toLowerCase(hash.charAt(i)));
            if (value < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return Optional.of(out);
    }
}
