package io.guardcluster.mailservice.mime;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes header fields that are 7-bit and at most 78 characters a line: RFC 2047 encoded words (UTF-8) for non-ASCII
 * text, RFC 2231 for non-ASCII parameters, folding before whitespace (RFC 5322 2.2.3, so unfolding gives the value
 * back exactly). Refuses CR and LF in values that are not proper folding: a value must never start a new field.
 */
final class HeaderEncoder {

    static final int LINE = 78;
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]+\\?[bBqQ]\\?[^?\\s]*\\?=");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx",
            Locale.ENGLISH);

    private HeaderEncoder() {
    }

    /** An unstructured field (Subject, extra fields): as is if plain ASCII, else encoded words; folded; with CRLF. */
    static String unstructured(String name, String value) {
        checkName(name);
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            return preFolded(name, value);
        }
        if (isPlain(value) && !ENCODED_WORD.matcher(value).find()) {
            return foldAtSpaces(name + ": " + value);
        }
        return fold(name, encodedWords(value, false, firstWord(name)));
    }

    /** The longest first encoded word that fits on the field's first line ("Name: " takes the rest). */
    private static int firstWord(String name) {
        return Math.max(24, Math.min(75, LINE - name.length() - 2));
    }

    /** A value that already has folding (e.g. an Autocrypt header): checked, written as it is. */
    private static String preFolded(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r') {
                if (i + 2 >= value.length() || value.charAt(i + 1) != '\n'
                        || value.charAt(i + 2) != ' ' && value.charAt(i + 2) != '\t') {
                    throw new IllegalArgumentException("a header value has a line break that is not folding");
                }
            } else if (c == '\n' && (i == 0 || value.charAt(i - 1) != '\r') || c > 126) {
                throw new IllegalArgumentException("a pre-folded header value must be ASCII with CRLF folding");
            }
        }
        return name + ": " + value + "\r\n";
    }

    /** An address-list field; display names quoted or encoded as needed; folded between and inside mailboxes. */
    static String addresses(String name, List<MailAddress> addresses) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            MailAddress a = addresses.get(i);
            String separator = i + 1 < addresses.size() ? "," : "";
            if (a.name().isEmpty()) {
                tokens.add(address(a.address()) + separator);
            } else {
                tokens.addAll(phrase(a.name(), i == 0 ? firstWord(name) : 75));
                tokens.add("<" + address(a.address()) + ">" + separator);
            }
        }
        return fold(name, tokens);
    }

    /** A field of a value and parameters (Content-Type, Content-Disposition); non-ASCII parameters per RFC 2231. */
    static String parameterized(String name, String value, List<String[]> parameters) {
        List<String> tokens = new ArrayList<>();
        tokens.add(value);
        for (String[] p : parameters) {
            tokens.addAll(parameter(p[0], p[1]));
        }
        for (int i = 0; i < tokens.size() - 1; i++) {
            tokens.set(i, tokens.get(i) + ";");
        }
        return fold(name, tokens);
    }

    /** One parameter as one or more tokens: name=token, name="quoted", or RFC 2231 name*=UTF-8''... sections. */
    static List<String> parameter(String name, String value) {
        if (isPlain(value) && value.length() <= 60) {
            return List.of(name + "=" + (isToken(value) ? value : quote(value)));
        }
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 128 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        String all = "UTF-8''" + encoded;
        if (all.length() <= 60) {
            return List.of(name + "*=" + all);
        }
        List<String> sections = new ArrayList<>();
        int at = 0;
        for (int index = 0; at < all.length(); index++) {
            int stop = Math.min(all.length(), at + 56);
            // never split a %XX escape
            if (stop < all.length() && all.charAt(stop - 1) == '%') {
                stop -= 1;
            } else if (stop < all.length() && stop >= 2 && all.charAt(stop - 2) == '%') {
                stop -= 2;
            }
            sections.add(name + "*" + index + "*=" + all.substring(at, stop));
            at = stop;
        }
        return sections;
    }

    /** An ASCII approximation of a file name for readers without RFC 2231: accents dropped, the rest '_'. */
    static String asciiFallback(String fileName) {
        String stripped = Normalizer.normalize(fileName, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        String result = out.toString();
        return result.length() > 60 ? result.substring(0, 60) : result;
    }

    static String date(OffsetDateTime date) {
        return DATE.format(date);
    }

    /** An address for a header: IDN domains in their ASCII form; a non-ASCII local part needs SMTPUTF8 and is refused. */
    static String address(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException("an address has no local part or no domain");
        }
        String local = address.substring(0, at);
        String domain = IDN.toASCII(address.substring(at + 1), IDN.ALLOW_UNASSIGNED);
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c <= ' ' || c > 126 || "<>,;:()[]\\".indexOf(c) >= 0 && !local.startsWith("\"")) {
                throw new IllegalArgumentException("an address local part has a character a header cannot carry");
            }
        }
        return local + "@" + domain;
    }

    /** A display name: atoms as they are, other ASCII as a quoted string, non-ASCII as encoded words. */
    private static List<String> phrase(String name, int firstWord) {
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a display name has a line break");
        }
        if (isPlain(name) && !ENCODED_WORD.matcher(name).find()) {
            boolean atoms = name.chars().allMatch(c -> c == ' ' || Character.isLetterOrDigit(c)
                    || ATEXT_SPECIALS.indexOf(c) >= 0);
            return atoms ? List.of(name.strip().split(" +")) : List.of(quote(name));
        }
        return encodedWords(name, true, firstWord);
    }

    /**
     * UTF-8 encoded words, whole code points each, each at most 75 characters: Q when it is shorter (mostly-Latin
     * text stays readable), else B. Whitespace between encoded words is dropped on decoding, so the words together
     * give the text back exactly.
     */
    static List<String> encodedWords(String text, boolean phrase, int firstWord) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int qLength = 0;
        for (byte b : utf8) {
            qLength += qSafe(b & 0xff) ? 1 : 3;
        }
        boolean useQ = !phrase && qLength <= (utf8.length + 2) / 3 * 4;
        List<String> words = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int chunkBytes = 0;
        int chunkQ = 0;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            String s = new String(Character.toChars(cp));
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int q = 0;
            for (byte x : b) {
                q += qSafe(x & 0xff) ? 1 : 3;
            }
            int payload = (words.isEmpty() ? firstWord : 75) - 12;
            boolean fits = useQ ? chunkQ + q <= payload : (chunkBytes + b.length + 2) / 3 * 4 <= payload;
            if (!fits && chunk.length() > 0) {
                words.add(word(chunk.toString(), useQ));
                chunk.setLength(0);
                chunkBytes = 0;
                chunkQ = 0;
            }
            chunk.append(s);
            chunkBytes += b.length;
            chunkQ += q;
            i += Character.charCount(cp);
        }
        if (chunk.length() > 0) {
            words.add(word(chunk.toString(), useQ));
        }
        return words;
    }

    private static String word(String text, boolean q) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!q) {
            return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(bytes) + "?=";
        }
        StringBuilder out = new StringBuilder("=?UTF-8?Q?");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == ' ') {
                out.append('_');
            } else if (qSafe(c)) {
                out.append((char) c);
            } else {
                out.append('=').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.append("?=").toString();
    }

    /** Characters Q may leave as they are in any context (RFC 2047 5 (3), the strictest rule); space becomes '_'. */
    private static boolean qSafe(int c) {
        return c == ' ' || c < 128 && (Character.isLetterOrDigit(c) || "!*+-/".indexOf(c) >= 0);
    }

    /** "Name: " and the tokens separated by single spaces, a line break before a token that would pass 78. */
    static String fold(String name, List<String> tokens) {
        checkName(name);
        StringBuilder out = new StringBuilder(name).append(':');
        int lineLength = out.length();
        boolean lineHasToken = false;
        for (String token : tokens) {
            // after "Name:" too, if even the first token does not fit (RFC 5322 allows FWS there)
            if (lineLength + 1 + token.length() > LINE && (lineHasToken || lineLength > 1)) {
                out.append("\r\n");
                lineLength = 0;
            }
            out.append(' ').append(token);
            lineLength += 1 + token.length();
            lineHasToken = true;
        }
        return out.append("\r\n").toString();
    }

    /** Folds a plain line before spaces where it passes 78 characters; a word longer than a line stays whole. */
    private static String foldAtSpaces(String line) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        int lastSpace = -1;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == ' ' || c == '\t') && i > line.indexOf(':') + 1) {
                lastSpace = i;
            }
            if (i - lineStart >= LINE && lastSpace > lineStart) {
                out.append(line, lineStart, lastSpace).append("\r\n");
                lineStart = lastSpace;
                lastSpace = -1;
            }
        }
        return out.append(line, lineStart, line.length()).append("\r\n").toString();
    }

    static boolean isPlain(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\t');
    }

    private static boolean isToken(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f && TSPECIALS.indexOf(c) < 0);
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void checkName(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw new IllegalArgumentException("a header field name must be printable ASCII without ':'");
        }
    }
}
