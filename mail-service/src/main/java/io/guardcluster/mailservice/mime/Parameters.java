package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * Parses "value; name=value; ..." fields (Content-Type, Content-Disposition) with mime4j's tokenizer (quoted strings,
 * comments) and assembles RFC 2231 parameters itself: continuations in index order whatever order they come in,
 * each segment percent-decoded only when it is marked extended, the charset from segment 0. (mime4j's own
 * MimeParameterMapping joins continuations in arrival order and turns '+' into a space.)
 */
final class Parameters {

    private static final Pattern SECTION = Pattern.compile("(.+?)\\*(\\d{1,3})(\\*?)");

    /** A field value and its parameters (names lower case, in first-seen order). */
    record Parsed(String value, Map<String, String> parameters) {
    }

    private Parameters() {
    }

    static Parsed parse(String fieldValue) {
        // the tokenizer works on bytes as ISO-8859-1 chars: give it UTF-8 and read values back as UTF-8
        byte[] bytes = fieldValue.getBytes(StandardCharsets.UTF_8);
        ByteArrayBuffer buffer = new ByteArrayBuffer(bytes, bytes.length, false);
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(buffer, new ParserCursor(0, bytes.length));
        String value = body.getValue() == null ? "" : utf8(body.getValue()).strip().toLowerCase(Locale.ROOT);
        return new Parsed(value, assemble(body.getParams()));
    }

    private static String utf8(String latin1View) {
        byte[] raw = latin1View.getBytes(StandardCharsets.ISO_8859_1);
        return Charsets.decodeHeader(raw, 0, raw.length);
    }

    private static Map<String, String> assemble(List<NameValuePair> pairs) {
        Map<String, String> standard = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String[]>> sections = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (NameValuePair pair : pairs) {
            String name = pair.getName() == null ? "" : pair.getName().strip().toLowerCase(Locale.ROOT);
            String value = pair.getValue() == null ? "" : utf8(pair.getValue());
            if (name.isEmpty()) {
                continue;
            }
            Matcher section = SECTION.matcher(name);
            String base;
            if (section.matches()) {
                base = section.group(1);
                int index = Integer.parseInt(section.group(2));
                sections.computeIfAbsent(base, k -> new TreeMap<>())
                        .putIfAbsent(index, new String[] {value, section.group(3)});
            } else if (name.endsWith("*")) {
                base = name.substring(0, name.length() - 1);
                sections.computeIfAbsent(base, k -> new TreeMap<>()).putIfAbsent(0, new String[] {value, "*"});
            } else {
                base = name;
                standard.putIfAbsent(name, value);
            }
            if (!order.contains(base)) {
                order.add(base);
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String name : order) {
            String value = sections.containsKey(name) ? joinSections(sections.get(name)) : null;
            if (value == null) {
                String plain = standard.get(name);
                // RFC 2047 inside a quoted parameter is not standard but what many clients (Outlook, old Thunderbird)
                // send for non-ASCII file names
                value = plain == null ? "" : HeaderField.decodeWords(plain);
            }
            result.put(name, value);
        }
        return Collections.unmodifiableMap(result);
    }

    /** Joins RFC 2231 sections; null if they cannot be decoded (the caller then takes the plain parameter). */
    private static String joinSections(TreeMap<Integer, String[]> parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Charset charset = StandardCharsets.US_ASCII;
        boolean charsetKnown = true;
        int expected = 0;
        for (Map.Entry<Integer, String[]> entry : parts.entrySet()) {
            if (entry.getKey() != expected++) {
                break; // RFC 2231: a gap ends the value
            }
            String text = entry.getValue()[0];
            boolean extended = "*".equals(entry.getValue()[1]);
            if (extended && entry.getKey() == 0) {
                int first = text.indexOf('\'');
                int second = first < 0 ? -1 : text.indexOf('\'', first + 1);
                if (second < 0) {
                    return null;
                }
                String charsetName = text.substring(0, first);
                charset = Charsets.lookup(charsetName.isEmpty() ? "us-ascii" : charsetName).orElse(null);
                charsetKnown = charset != null;
                text = text.substring(second + 1);
            }
            if (extended) {
                percentDecode(text, bytes);
            } else {
                bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] raw = bytes.toByteArray();
        if (!charsetKnown || charset == StandardCharsets.US_ASCII && !Charsets.isAscii(raw, 0, raw.length)) {
            charset = Charsets.guess(raw);
        }
        return Charsets.decode(raw, charset);
    }

    private static void percentDecode(String text, ByteArrayOutputStream out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                out.write(hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
