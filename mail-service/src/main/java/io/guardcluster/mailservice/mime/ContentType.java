package io.guardcluster.mailservice.mime;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Content-Type: the media type and its parameters.
 *
 * @param mimeType   "type/subtype" in lower case; {@code text/plain} when the field is missing or unusable (RFC 2045
 *                   section 5.2), {@code message/rfc822} for a part of a {@code multipart/digest}
 * @param parameters parameter names in lower case, values unquoted and decoded (RFC 2231 with continuations and
 *                   charset; RFC 2047 words inside plain values, as common clients send them)
 */
public record ContentType(String mimeType, Map<String, String> parameters) {

    public ContentType {
        mimeType = mimeType.toLowerCase(Locale.ROOT);
        parameters = Map.copyOf(parameters);
    }

    /** A parameter by name (case-insensitive). */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether this is {@code mimeType} ("type/subtype", case-insensitive). */
    public boolean is(String otherMimeType) {
        return mimeType.equalsIgnoreCase(otherMimeType);
    }

    public String type() {
        int slash = mimeType.indexOf('/');
        return slash < 0 ? mimeType : mimeType.substring(0, slash);
    }

    public String subtype() {
        int slash = mimeType.indexOf('/');
        return slash < 0 ? "" : mimeType.substring(slash + 1);
    }

    public boolean isMultipart() {
        return "multipart".equals(type());
    }

    public boolean isText() {
        return "text".equals(type());
    }

    /** The charset parameter, if any. */
    public Optional<String> charset() {
        return parameter("charset");
    }
}
