package io.guardcluster.filestore.file;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Public file ids: 130 random bits as 26 characters of Crockford's base32 (lower case), unguessable. */
final class FileIds {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern VALID = Pattern.compile("[0-9a-hjkmnp-tv-z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileIds() {
    }

    static String random() {
        byte[] bytes = new byte[17]; // 136 random bits, of which 26 × 5 = 130 are used
        RANDOM.nextBytes(bytes);
        char[] out = new char[26];
        long buffer = 0;
        int bits = 0;
        int index = 0;
        int i = 0;
        while (index < 26) {
            if (bits < 5) {
                buffer = (buffer << 8) | (bytes[i++] & 0xFF);
                bits += 8;
            }
            bits -= 5;
            out[index++] = ALPHABET[(int) (buffer >>> bits) & 0x1F];
        }
        return new String(out);
    }

    /** Whether {@code id} could be a file id (anything else is answered 404 without a database query). */
    static boolean plausible(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
