package io.guardcluster.mailservice.mime;

import java.util.Objects;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * One header field as it appears in a message, or one to write.
 *
 * @param name  the field name as written (compare names case-insensitively: {@link #is(String)})
 * @param value the field body, unfolded (folding line breaks removed, the whitespace after them kept), leading and
 *              trailing whitespace removed; RFC 2047 encoded words are left as they are (see {@link #decoded()}).
 *              8-bit bytes in a parsed header are read as UTF-8 when they are valid UTF-8, else as ISO-8859-1.
 */
public record HeaderField(String name, String value) {

    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Whether this field is called {@code fieldName}, case-insensitively. */
    public boolean is(String fieldName) {
        return name.equalsIgnoreCase(fieldName);
    }

    /**
     * The value with RFC 2047 encoded words decoded, in any charset Java knows; an encoded word in an unknown charset
     * or with broken encoding stays as it is. Right for unstructured fields (Subject, Comments); for address fields use
     * {@link Envelope}, which decodes display names only.
     */
    public String decoded() {
        return decodeWords(value);
    }

    static String decodeWords(String text) {
        if (!text.contains("=?")) {
            return text;
        }
        try {
            return DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    @Override
    public String toString() {
        // header values can be personal (subject, addresses): never in logs through toString
        return "HeaderField[" + name + "]";
    }
}
