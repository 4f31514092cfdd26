package io.guardcluster.emulator.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded words ({@code =?charset?B|Q?text?=}) in header text, leniently: an unknown charset or a
 * broken word stays as written. White space between two adjacent encoded words is dropped (RFC 2047 section 6.2).
 */
final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)\\s+(=\\?)");

    private EncodedWords() {
    }

    static String decode(String text) {
        if (text == null || !text.contains("=?")) {
            return text;
        }
        Matcher m = WORD.matcher(BETWEEN_WORDS.matcher(text).replaceAll("$1$2"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(word(m.group(0), m.group(1), m.group(2), m.group(3))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String word(String raw, String charsetName, String encoding, String text) {
        try {
            int star = charsetName.indexOf('*'); // RFC 2231 language suffix: utf-8*en
            Charset charset = Charset.forName(star < 0 ? charsetName : charsetName.substring(0, star));
            byte[] bytes = encoding.equalsIgnoreCase("B") ? Base64.getMimeDecoder().decode(text) : quoted(text);
            return new String(bytes, charset);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static byte[] quoted(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
