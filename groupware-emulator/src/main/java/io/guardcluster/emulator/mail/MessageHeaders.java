package io.guardcluster.emulator.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header section of a raw message (RFC 5322 section 2.2), read leniently the way a mail server stores what it
 * gets: every field with its unfolded value and its byte range in the message, so a field can be dropped without
 * touching a byte of anything else. Only what the emulator needs; values are not decoded here.
 */
final class MessageHeaders {

    /** One header field: name as written, unfolded value (8-bit read as UTF-8, RFC 6532), bytes [start, end). */
    record Field(String name, String value, int start, int end) {
    }

    private final List<Field> fields;
    private final int headerEnd;
    private final String lineEnding;

    private MessageHeaders(List<Field> fields, int headerEnd, String lineEnding) {
        this.fields = fields;
        this.headerEnd = headerEnd;
        this.lineEnding = lineEnding;
    }

    /** Parses the header section of {@code message}; a message without a single field is not a message. */
    static Optional<MessageHeaders> parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        String lineEnding = "\r\n";
        boolean lineEndingSeen = false;
        int pos = 0;
        int fieldStart = -1;
        StringBuilder current = null;
        String currentName = null;
        while (pos < message.length) {
            int lf = indexOf(message, (byte) '\n', pos);
            int lineEnd = lf < 0 ? message.length : lf + 1;
            int contentEnd = lf < 0 ? message.length : (lf > pos && message[lf - 1] == '\r' ? lf - 1 : lf);
            if (!lineEndingSeen && lf >= 0) {
                lineEnding = contentEnd == lf ? "\n" : "\r\n";
                lineEndingSeen = true;
            }
            if (contentEnd == pos) {
                // The empty line: the body follows.
                if (current != null) {
                    fields.add(new Field(currentName, current.toString().trim(), fieldStart, pos));
                }
                return fields.isEmpty() ? Optional.empty() : Optional.of(new MessageHeaders(fields, lineEnd, lineEnding));
            }
            String line = new String(message, pos, contentEnd - pos, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // unfolding: drop the line break, keep the white space
            } else {
                if (current != null) {
                    fields.add(new Field(currentName, current.toString().trim(), fieldStart, pos));
                    current = null;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().chars().allMatch(c -> c > 32 && c < 127)) {
                    currentName = line.substring(0, colon).trim();
                    current = new StringBuilder(line.substring(colon + 1));
                    fieldStart = pos;
                } else if (fields.isEmpty()) {
                    return Optional.empty(); // garbage before any field: not a message
                }
                // else: a malformed line among the fields, ignored as lenient servers do
            }
            pos = lineEnd;
        }
        // Headers only, no body.
        if (current != null) {
            fields.add(new Field(currentName, current.toString().trim(), fieldStart, message.length));
        }
        return fields.isEmpty() ? Optional.empty() : Optional.of(new MessageHeaders(fields, message.length, lineEnding));
    }

    /** The first value of field {@code name} (case-insensitive). */
    Optional<String> first(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).findFirst();
    }

    /** All values of field {@code name}, in order. */
    List<String> all(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    boolean has(String name) {
        return fields.stream().anyMatch(f -> f.name().equalsIgnoreCase(name));
    }

    /** Where the body starts (after the empty line), or the message length if there is none. */
    int headerEnd() {
        return headerEnd;
    }

    /** The line ending the message uses (CRLF, or a bare LF), so added fields match it. */
    String lineEnding() {
        return lineEnding;
    }

    /** {@code message} without the fields named {@code name}; every other byte as it was. */
    static byte[] without(byte[] message, MessageHeaders headers, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
        int pos = 0;
        for (Field f : headers.fields) {
            if (f.name().equalsIgnoreCase(name)) {
                out.write(message, pos, f.start() - pos);
                pos = f.end();
            }
        }
        out.write(message, pos, message.length - pos);
        return out.toByteArray();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
