package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Inline PGP in a text: armored blocks ("-----BEGIN PGP MESSAGE-----" and the like) and cleartext-signed blocks
 * (RFC 9580 section 7, "-----BEGIN PGP SIGNED MESSAGE-----"), with the plain text around them.
 * <p>
 * The scan works on the decoded body <em>bytes</em>, not on a Java string: a cleartext signature covers the bytes the
 * signer had (in the part's charset), and re-encoding a decoded string would not give them back. Marker lines must
 * start in column 0 (a quoted "&gt; -----BEGIN" in a reply is text, as in Thunderbird); a block without its END line
 * is text.
 */
public final class InlinePgp {

    private static final String SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----";
    private static final String SIGNATURE_BEGIN = "-----BEGIN PGP SIGNATURE-----";
    private static final String SIGNATURE_END = "-----END PGP SIGNATURE-----";

    private InlinePgp() {
    }

    /** A piece of a scanned text. */
    public sealed interface Segment permits Text, Armored, ClearSigned {
    }

    /**
     * Plain text between (or around) blocks: not signed, not encrypted. A block takes whole lines, its last line break
     * included.
     */
    public record Text(String text) implements Segment {
        @Override
        public String toString() {
            return "Text[" + text.length() + " chars]";
        }
    }

    /**
     * An armored block, from its BEGIN line to its END line inclusive.
     *
     * @param label "PGP MESSAGE", "PGP PUBLIC KEY BLOCK", "PGP SIGNATURE", ...
     * @param data  the block
     */
    public record Armored(String label, PgpData data) implements Segment {
        public boolean isMessage() {
            return "PGP MESSAGE".equals(label);
        }
    }

    /**
     * A cleartext-signed block.
     *
     * @param hashes    the hash names of its "Hash:" armor headers, upper case (may be empty: RFC 9580 made the header
     *                  optional); the verifier checks that they match the signature
     * @param text      the signed text as to show it: dash-escaping removed, each line's trailing spaces and tabs
     *                  removed (they are not signed), lines joined with "\n", decoded with the part's charset
     * @param signature the "-----BEGIN PGP SIGNATURE-----" block
     */
    public record ClearSigned(List<String> hashes, String text, byte[] signedData, PgpData signature)
            implements Segment {

        public ClearSigned {
            hashes = List.copyOf(hashes);
            signedData = signedData.clone();
        }

        /**
         * The bytes the signature (type 0x01, canonical text) is over: the signed lines, dash-escaping removed,
         * trailing whitespace removed, joined with CRLF, with no line ending after the last line (RFC 9580 7.1).
         */
        @Override
        public byte[] signedData() {
            return signedData.clone();
        }

        @Override
        public String toString() {
            return "ClearSigned[" + hashes + ", " + signedData.length + " bytes]";
        }
    }

    /** Whether {@code body} has a BEGIN PGP line at the start of a line: a cheap test before {@link #scan}. */
    public static boolean mayContainPgp(byte[] body) {
        int i = -1;
        byte[] marker = "-----BEGIN PGP ".getBytes(StandardCharsets.US_ASCII);
        while ((i = MimeParser.indexOf(body, marker, i + 1, body.length)) >= 0) {
            if (i == 0 || body[i - 1] == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits a text body (transfer-decoded bytes) into text, armored and cleartext-signed segments. A text without PGP
     * gives one {@link Text}; an empty body gives none.
     */
    public static List<Segment> scan(byte[] body, Charset charset) {
        List<int[]> lines = lines(body);
        List<Segment> segments = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < lines.size()) {
            String marker = trimmedAscii(body, lines.get(i));
            int last = -1;
            Segment block = null;
            if (marker.equals(SIGNED)) {
                last = clearSigned(body, lines, i);
                if (last >= 0) {
                    block = cleartext(body, lines, i, last, charset);
                }
            } else if (marker.startsWith("-----BEGIN PGP ") && marker.endsWith("-----") && marker.length() > 20) {
                String label = marker.substring(11, marker.length() - 5);
                last = find(body, lines, i + 1, "-----END " + label + "-----");
                if (last >= 0) {
                    block = new Armored(label, PgpData.owned(
                            Arrays.copyOfRange(body, lines.get(i)[0], lines.get(last)[1])));
                }
            }
            if (block == null) {
                i++;
                continue;
            }
            addText(segments, body, textStart, lines.get(i)[0], charset);
            segments.add(block);
            textStart = lines.get(last)[2];
            i = last + 1;
        }
        addText(segments, body, textStart, body.length, charset);
        return List.copyOf(segments);
    }

    /** The index of the signature's END line of a valid cleartext-signed block starting at line {@code first}, or -1. */
    private static int clearSigned(byte[] body, List<int[]> lines, int first) {
        int j = first + 1;
        for (; j < lines.size(); j++) {
            String header = trimmedAscii(body, lines.get(j));
            if (header.isEmpty()) {
                break;
            }
            if (!header.regionMatches(true, 0, "Hash:", 0, 5)) {
                return -1; // RFC 9580 7: only Hash headers; anything else is not a block we vouch for
            }
        }
        int begin = find(body, lines, j + 1, SIGNATURE_BEGIN);
        return begin < 0 ? -1 : find(body, lines, begin + 1, SIGNATURE_END);
    }

    private static ClearSigned cleartext(byte[] body, List<int[]> lines, int first, int last, Charset charset) {
        List<String> hashes = new ArrayList<>();
        int j = first + 1;
        for (; j < lines.size(); j++) {
            String header = trimmedAscii(body, lines.get(j));
            if (header.isEmpty()) {
                break;
            }
            for (String name : header.substring(5).split(",")) {
                if (!name.isBlank()) {
                    hashes.add(name.strip().toUpperCase(Locale.ROOT));
                }
            }
        }
        int begin = find(body, lines, j + 1, SIGNATURE_BEGIN);
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        for (int k = j + 1; k < begin; k++) {
            int[] line = lines.get(k);
            int from = line[0];
            if (line[1] - from >= 2 && body[from] == '-' && body[from + 1] == ' ') {
                from += 2;
            }
            int to = line[1];
            while (to > from && (body[to - 1] == ' ' || body[to - 1] == '\t')) {
                to--;
            }
            if (k > j + 1) {
                signed.writeBytes(new byte[] {'\r', '\n'});
                shown.write('\n');
            }
            signed.write(body, from, to - from);
            shown.write(body, from, to - from);
        }
        byte[] signature = Arrays.copyOfRange(body, lines.get(begin)[0], lines.get(last)[1]);
        return new ClearSigned(hashes, Charsets.decode(shown.toByteArray(), charset), signed.toByteArray(),
                PgpData.owned(signature));
    }

    private static void addText(List<Segment> segments, byte[] body, int from, int to, Charset charset) {
        if (to > from) {
            segments.add(new Text(Charsets.decode(Arrays.copyOfRange(body, from, to), charset)));
        }
    }

    private static int find(byte[] body, List<int[]> lines, int from, String marker) {
        for (int k = from; k < lines.size(); k++) {
            if (trimmedAscii(body, lines.get(k)).equals(marker)) {
                return k;
            }
        }
        return -1;
    }

    /** Lines as {start, contentEnd (before CR LF / LF), next line start}. */
    private static List<int[]> lines(byte[] body) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                int contentEnd = i > start && body[i - 1] == '\r' ? i - 1 : i;
                lines.add(new int[] {start, contentEnd, i + 1});
                start = i + 1;
            }
        }
        if (start < body.length) {
            lines.add(new int[] {start, body.length, body.length});
        }
        return lines;
    }

    /** A line without trailing whitespace, as ISO-8859-1 (marker lines are ASCII; others only need to not match). */
    private static String trimmedAscii(byte[] body, int[] line) {
        int to = line[1];
        while (to > line[0] && (body[to - 1] == ' ' || body[to - 1] == '\t' || body[to - 1] == '\r')) {
            to--;
        }
        if (to - line[0] > 80) {
            return "\u0000"; // longer than any marker or Hash header we accept
        }
        return new String(body, line[0], to - line[0], StandardCharsets.ISO_8859_1);
    }
}
