package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.bouncycastle.bcpg.ArmoredOutputStream;

/**
 * OpenPGP ASCII armor (RFC 9580 section 6): read here (the JDK's base64), written with BouncyCastle's armor stream.
 * <p>
 * Reading accepts armor with a CRC-24 checksum (RFC 4880) and without (RFC 9580 generators omit it), and refuses a
 * wrong checksum, a cleartext-signed block (that is {@link InlinePgp}'s), and a block without its END line. Writing
 * gives CRLF line endings (mail's canonical form), 64 characters a line, a checksum (GnuPG 2.2 and older readers expect
 * one), and no Version header (it only tells an attacker which library made the message).
 */
public final class Armor {

    private Armor() {
    }

    /**
     * The binary packets of the armored block in {@code armored} (text before the BEGIN line is skipped; one block).
     * Decoded here in one pass with the JDK's base64 decoder: BouncyCastle's armor reader decodes a byte per call,
     * which made de-armoring more than half of the CPU time of reading a 10 MiB mail.
     */
    public static byte[] decode(byte[] armored) throws MimeFormatException {
        Optional<String> label = label(armored);
        if (label.isEmpty()) {
            throw new MimeFormatException("no armored OpenPGP block (no BEGIN line)");
        }
        if (label.get().equals("PGP SIGNED MESSAGE")) {
            throw new MimeFormatException("a cleartext-signed block is not an armored OpenPGP block");
        }
        byte[] beginLine = ("-----BEGIN " + label.get() + "-----").getBytes(StandardCharsets.US_ASCII);
        int begin = MimeParser.indexOf(armored, beginLine, 0, armored.length);
        // BC reads a block cut before its END line as complete: a truncated message must not pass for a whole one
        // searched from the back: the END line closes the block, and a 10 MiB mail's armor is 14 MB to walk through
        int end = lastIndexOf(armored, ("-----END " + label.get() + "-----").getBytes(StandardCharsets.US_ASCII), begin);
        if (end < 0) {
            throw new MimeFormatException("an armored OpenPGP block has no END line");
        }
        int pos = nextLine(armored, begin + beginLine.length, end);
        // Armor headers ("Key: Value" lines) up to an empty line; a producer that writes none may leave that line out.
        boolean headers = true;
        while (headers && pos < end) {
            int lineEnd = lineEnd(armored, pos, end);
            boolean blank = isBlank(armored, pos, lineEnd);
            boolean header = !blank && MimeParser.indexOf(armored, HEADER_SEPARATOR, pos, lineEnd) > 0;
            if (blank || header) {
                pos = nextLine(armored, lineEnd, end);
            }
            headers = header;
        }
        byte[] base64 = new byte[end - pos];
        int length = 0;
        int crcStart = -1;
        while (pos < end) {
            int lineEnd = lineEnd(armored, pos, end);
            int from = pos;
            while (from < lineEnd && isSpace(armored[from])) {
                from++;
            }
            if (from < lineEnd && armored[from] == '-') {
                // another armor line inside the block (a second block, since END was searched from the back)
                throw new MimeFormatException("more than one armored block where one was expected");
            }
            if (from < lineEnd && armored[from] == '=') {
                crcStart = from + 1; // the checksum line; only the END line may follow
                if (!isBlank(armored, nextLine(armored, lineEnd, end), end)) {
                    throw new MimeFormatException("the ASCII armor has data after its checksum line");
                }
                break;
            }
            for (int i = from; i < lineEnd; i++) {
                if (!isSpace(armored[i])) {
                    base64[length++] = armored[i];
                }
            }
            pos = nextLine(armored, lineEnd, end);
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(length == base64.length ? base64 : java.util.Arrays.copyOf(base64, length));
        } catch (IllegalArgumentException e) {
            throw new MimeFormatException("the ASCII armor's base64 is malformed");
        }
        if (crcStart >= 0) {
            checkCrc(armored, crcStart, end, data);
        }
        if (data.length == 0) {
            throw new MimeFormatException("an armored OpenPGP block is empty");
        }
        return data;
    }

    private static final byte[] HEADER_SEPARATOR = {':', ' '};

    /** RFC 4880 6.1: CRC-24 over the data, its 3 bytes base64-encoded after "=". */
    private static void checkCrc(byte[] armored, int from, int end, byte[] data) throws MimeFormatException {
        int to = from;
        while (to < end && !isSpace(armored[to])) {
            to++;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(java.util.Arrays.copyOfRange(armored, from, to));
        } catch (IllegalArgumentException e) {
            throw new MimeFormatException("the ASCII armor's checksum line is malformed");
        }
        if (expected.length != 3) {
            throw new MimeFormatException("the ASCII armor's checksum line is malformed");
        }
        int crc = 0xB704CE;
        for (byte b : data) {
            crc = (crc << 8) ^ CRC24_TABLE[((crc >>> 16) ^ b) & 0xFF];
        }
        int stated = ((expected[0] & 0xFF) << 16) | ((expected[1] & 0xFF) << 8) | (expected[2] & 0xFF);
        if ((crc & 0xFFFFFF) != stated) {
            throw new MimeFormatException("the ASCII armor's checksum does not match (damaged in transit)");
        }
    }

    /** CRC-24 (RFC 4880 6.1, generator 0x864CFB) a byte at a time: bit by bit it cost ~80 ms per 10 MB. */
    private static final int[] CRC24_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 16;
            for (int bit = 0; bit < 8; bit++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= 0x1864CFB;
                }
            }
            CRC24_TABLE[i] = crc & 0xFFFFFF;
        }
    }

    /** The last occurrence of {@code needle} in {@code text} at or after {@code from}, or -1. */
    private static int lastIndexOf(byte[] text, byte[] needle, int from) {
        outer:
        for (int i = text.length - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (text[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static boolean isBlank(byte[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isSpace(text[i])) {
                return false;
            }
        }
        return true;
    }

    /** The end of the line starting at {@code from} (the LF's position, or {@code limit}). */
    private static int lineEnd(byte[] text, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (text[i] == '\n') {
                return i;
            }
        }
        return limit;
    }

    /** The start of the line after the one that ends at or after {@code from}. */
    private static int nextLine(byte[] text, int from, int limit) {
        int lineEnd = lineEnd(text, from, limit);
        return lineEnd < limit ? lineEnd + 1 : limit;
    }

    /** {@link #decode(byte[])} of a string (armor is ASCII). */
    public static byte[] decode(String armored) throws MimeFormatException {
        return decode(armored.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Armors binary OpenPGP packets. The label (PGP MESSAGE, PGP SIGNATURE, PGP PUBLIC KEY BLOCK, ...) follows the first
     * packet, as RFC 9580 section 6.2 asks. Ends with a line break.
     */
    public static String encode(byte[] packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(packets.length * 4 / 3 + 128);
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().enableCRC(true).build(out)) {
            armor.write(packets);
        } catch (IOException e) {
            throw new UncheckedIOException("armoring into memory cannot fail", e);
        }
        return LineEndings.crlf(out.toString(StandardCharsets.US_ASCII));
    }

    /** The label of the first BEGIN line ("PGP MESSAGE", "PGP SIGNATURE", ...), if there is one. */
    public static Optional<String> label(byte[] text) {
        String s = new String(text, 0, Math.min(text.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        int begin = s.indexOf("-----BEGIN ");
        if (begin < 0 || begin > 0 && s.charAt(begin - 1) != '\n') {
            return Optional.empty();
        }
        int close = s.indexOf("-----", begin + 11);
        return close < 0 ? Optional.empty() : Optional.of(s.substring(begin + 11, close));
    }
}
