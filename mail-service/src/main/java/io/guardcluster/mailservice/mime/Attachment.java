package io.guardcluster.mailservice.mime;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file to attach: written base64 with Content-Disposition attachment and the name in both RFC 2231 form (for
 * non-ASCII names) and a plain ASCII fallback.
 *
 * @param fileName    the file name as the user sees it (any Unicode; no path)
 * @param contentType "type/subtype", e.g. "application/pdf" ("application/octet-stream" when unknown)
 * @param content     the bytes
 */
public record Attachment(String fileName, String contentType, byte[] content) {

    private static final Pattern MIME_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+");

    public Attachment {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.isBlank() || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("an attachment name is empty or has control characters");
        }
        if (!MIME_TYPE.matcher(contentType).matches()) {
            throw new IllegalArgumentException("an attachment content type must be type/subtype");
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    byte[] contentUnsafe() {
        return content;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attachment a && fileName.equals(a.fileName) && contentType.equals(a.contentType)
                && Arrays.equals(content, a.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fileName, contentType, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "Attachment[" + contentType + ", " + content.length + " bytes]";
    }
}
