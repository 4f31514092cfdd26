package io.guardcluster.common.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text from a request header. Header values arrive as ISO-8859-1 characters, one per byte, so a password with
 * non-ASCII characters sent as its UTF-8 bytes (what browsers and curl do) arrives mangled: decode those bytes as
 * UTF-8; anything that is not valid UTF-8 stays as it came.
 */
public final class HeaderText {

    private HeaderText() {
    }

    public static String utf8(String value) {
        if (value == null || value.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }
}
