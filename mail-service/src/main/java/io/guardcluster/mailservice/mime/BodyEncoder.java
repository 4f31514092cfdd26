package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Transfer encodings for bodies we write. Everything comes out 7-bit with CRLF line endings and lines of at most 76
 * characters, so no mail server has a reason to touch it: a signature computed over it still verifies after transport
 * (RFC 3156 section 3).
 */
final class BodyEncoder {

    /** An encoded body and the Content-Transfer-Encoding it needs. */
    record Encoded(String transferEncoding, byte[] bytes) {
    }

    private static final int MAX_LINE = 76;

    private BodyEncoder() {
    }

    /**
     * Text as UTF-8: 7bit if it already is transport-safe (ASCII, short lines, no trailing whitespace, no line that
     * starts with "From "), else quoted-printable. Line endings become CRLF; a final line break is kept if the text
     * has one, and none is added.
     */
    static Encoded text(String text) {
        byte[] bytes = LineEndings.crlf(text).getBytes(StandardCharsets.UTF_8);
        return isTransportSafe(bytes) ? new Encoded("7bit", bytes) : new Encoded("quoted-printable",
                quotedPrintable(bytes));
    }

    /** Base64 in lines of 76 characters, each ending with CRLF. */
    static Encoded base64(byte[] data) {
        String encoded = Base64.getMimeEncoder(MAX_LINE, new byte[] {'\r', '\n'}).encodeToString(data);
        return new Encoded("base64", (encoded.isEmpty() ? "" : encoded + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    static boolean isTransportSafe(byte[] bytes) {
        int lineStart = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\r') {
                int lineEnd = i;
                if (lineEnd - lineStart > MAX_LINE) {
                    return false;
                }
                if (lineEnd > lineStart && (bytes[lineEnd - 1] == ' ' || bytes[lineEnd - 1] == '\t')) {
                    return false;
                }
                if (startsWithFrom(bytes, lineStart, lineEnd)) {
                    return false;
                }
                if (i < bytes.length && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                    return false;
                }
                i++;
                lineStart = i + 1;
                continue;
            }
            int b = bytes[i] & 0xff;
            if (b >= 0x80 || b == 0 || b == '\n' || b < 0x20 && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * Quoted-printable (RFC 2045 6.7) of CRLF text: CRLF stays a hard line break, trailing whitespace and "From " at a
     * line start are encoded, soft line breaks keep lines at 76 characters.
     */
    static byte[] quotedPrintable(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 8 + 16);
        int lineStart = 0;
        for (int i = 0; i <= bytes.length; i++) {
            boolean hardBreak = i + 1 < bytes.length && bytes[i] == '\r' && bytes[i + 1] == '\n';
            if (i == bytes.length || hardBreak) {
                encodeLine(bytes, lineStart, i, out);
                if (hardBreak) {
                    out.writeBytes(new byte[] {'\r', '\n'});
                    i++;
                }
                lineStart = i + 1;
            }
        }
        return out.toByteArray();
    }

    private static void encodeLine(byte[] bytes, int from, int to, ByteArrayOutputStream out) {
        int column = 0;
        boolean from5 = startsWithFrom(bytes, from, to);
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xff;
            boolean last = i == to - 1;
            boolean literal = b >= 33 && b <= 126 && b != '=' || (b == ' ' || b == '\t') && !last;
            if (i == from && from5) {
                literal = false;
            }
            int width = literal ? 1 : 3;
            // room for the soft break '=' unless this is the last character of the line
            int limit = last ? MAX_LINE : MAX_LINE - 1;
            if (column + width > limit) {
                out.writeBytes(new byte[] {'=', '\r', '\n'});
                column = 0;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
            column += width;
        }
    }

    private static boolean startsWithFrom(byte[] bytes, int from, int to) {
        return to - from >= 5 && bytes[from] == 'F' && bytes[from + 1] == 'r' && bytes[from + 2] == 'o'
                && bytes[from + 3] == 'm' && bytes[from + 4] == ' ';
    }
}
