package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Writes entities: a header and a body; multiparts with a fresh boundary that no part contains. */
final class Multipart {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Multipart() {
    }

    /**
     * A boundary no encoded body can contain: "=_" is not valid quoted-printable and not in base64's alphabet; the
     * random part makes a collision with any given part unlikely, and {@link #write} checks anyway.
     */
    static String boundary() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "=_guard_" + HexFormat.of().formatHex(random);
    }

    /** An entity: the header lines (each already encoded, with CRLF), a blank line, the body. */
    static byte[] entity(List<String> headerLines, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
        for (String line : headerLines) {
            out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {'\r', '\n'});
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * A multipart entity of the given parts, each exactly as given between the delimiters.
     *
     * @param subtype     "mixed", "alternative", "signed", "encrypted"
     * @param parameters  Content-Type parameters before the boundary (e.g. protocol, micalg)
     * @param headerLines further header lines after Content-Type
     * @param preamble    text for readers without MIME, or null
     */
    static byte[] write(String subtype, List<String[]> parameters, List<String> headerLines, String preamble,
            List<byte[]> parts) {
        String boundary;
        do {
            boundary = boundary();
        } while (anyContains(parts, ("--" + boundary).getBytes(StandardCharsets.US_ASCII)));
        List<String[]> all = new ArrayList<>(parameters);
        all.add(new String[] {"boundary", boundary});
        List<String> lines = new ArrayList<>();
        lines.add(HeaderEncoder.parameterized("Content-Type", "multipart/" + subtype, all));
        lines.addAll(headerLines);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        if (preamble != null) {
            body.writeBytes((preamble + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        for (byte[] part : parts) {
            body.writeBytes(delimiter);
            body.writeBytes(new byte[] {'\r', '\n'});
            body.writeBytes(part);
            // the CRLF before the next delimiter belongs to the delimiter (RFC 2046 5.1.1)
            body.writeBytes(new byte[] {'\r', '\n'});
        }
        body.writeBytes(delimiter);
        body.writeBytes(new byte[] {'-', '-', '\r', '\n'});
        return entity(lines, body.toByteArray());
    }

    private static boolean anyContains(List<byte[]> parts, byte[] needle) {
        for (byte[] part : parts) {
            if (MimeParser.indexOf(part, needle, 0, part.length) >= 0) {
                return true;
            }
        }
        return false;
    }
}
