package io.guardcluster.mailservice.mime;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Content-Disposition (RFC 2183).
 *
 * @param type       "inline", "attachment" or another token, lower case
 * @param parameters as in {@link ContentType#parameters()}
 */
public record ContentDisposition(String type, Map<String, String> parameters) {

    public ContentDisposition {
        type = type.toLowerCase(Locale.ROOT);
        parameters = Map.copyOf(parameters);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    public boolean isAttachment() {
        return "attachment".equals(type);
    }

    public boolean isInline() {
        return "inline".equals(type);
    }

    /** The filename parameter (RFC 2231 decoded), if any. */
    public Optional<String> fileName() {
        return parameter("filename").filter(name -> !name.isBlank());
    }
}
