package io.guardcluster.mailservice.pgp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Cleartext Signature Framework (RFC 9580 7): what a cleartext signature is computed over, and the framed block.
 */
public final class Cleartext {

    private Cleartext() {
    }

    /**
     * The text as it is signed: trailing spaces and tabs removed from every line, lines joined by CRLF, no line end
     * after the last line (a text ending in a line end ends in an empty last line, whose preceding CRLF is signed).
     */
    public static byte[] signedText(String text) {
        String[] lines = text.split("\r\n|\n|\r", -1);
        StringBuilder out = new StringBuilder(text.length() + lines.length);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append("\r\n");
            }
            out.append(stripTrailing(lines[i]));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The framed block: header, the dash-escaped text, the armored signature (over {@link #signedText}).
     *
     * @param hashName the signature's hash as RFC 3156 names it ("sha512"), for the "Hash:" header
     */
    public static String frame(String text, String hashName, String armoredSignature) {
        String signed = new String(signedText(text), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(signed.length() + armoredSignature.length() + 64);
        out.append("-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: ").append(hashName.toUpperCase(Locale.ROOT))
                .append("\r\n\r\n");
        for (String line : signed.split("\r\n", -1)) {
            // Dash escaping (RFC 9580 7.2); "From " too, which mail transports would otherwise mangle.
            if (line.startsWith("-") || line.startsWith("From ")) {
                out.append("- ");
            }
            out.append(line).append("\r\n");
        }
        out.append(armoredSignature.strip().replace("\r\n", "\n").replace("\n", "\r\n")).append("\r\n");
        return out.toString();
    }

    private static String stripTrailing(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(0, end);
    }
}
