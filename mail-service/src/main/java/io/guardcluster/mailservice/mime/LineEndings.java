package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;

/**
 * Line ending canonicalization: what RFC 3156 section 5 and OpenPGP text signatures hash is the data with every line
 * ending as CRLF.
 */
public final class LineEndings {

    private LineEndings() {
    }

    /**
     * The bytes with every bare LF turned into CRLF; existing CRLF pairs and every other byte (a bare CR too) are kept.
     * A message stored by a Unix MTA with LF line endings thus gives back the CRLF form in which it was transmitted and
     * signed. Returns a new array (the argument itself when it needs no change is never returned, so callers may keep
     * the result).
     */
    public static byte[] canonicalCrlf(byte[] data) {
        return canonicalCrlf(data, 0, data.length);
    }

    /** {@link #canonicalCrlf(byte[])} of {@code data[offset, offset + length)}. */
    public static byte[] canonicalCrlf(byte[] data, int offset, int length) {
        int bare = 0;
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\n' && (i == offset || data[i - 1] != '\r')) {
                bare++;
            }
        }
        byte[] out = new byte[length + bare];
        int o = 0;
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '\n' && (i == offset || data[i - 1] != '\r')) {
                out[o++] = '\r';
            }
            out[o++] = data[i];
        }
        return out;
    }

    /** Whether every LF is preceded by CR and every CR followed by LF. */
    public static boolean isCanonicalCrlf(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
                return false;
            }
            if (data[i] == '\r' && (i + 1 == data.length || data[i + 1] != '\n')) {
                return false;
            }
        }
        return true;
    }

    /** Text with CR LF, lone CR and lone LF all turned into CRLF. */
    static String crlf(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                out.append("\r\n");
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '\n') {
                out.append("\r\n");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
