package io.guardcluster.mailservice.mime;

import java.nio.charset.Charset;

/**
 * The text of a {@code text/*} part, decoded from its transfer encoding and its charset.
 *
 * @param text             the text; malformed bytes are U+FFFD, line endings as in the message
 * @param charset          the charset it was decoded with
 * @param charsetFallback  true when the declared charset could not be used (unknown to Java, or {@code us-ascii} /
 *                         none declared while the bytes are 8-bit) and {@code charset} is a guess: UTF-8 when the bytes
 *                         are valid UTF-8, else windows-1252. A UI may say that the text may be garbled.
 */
public record DecodedText(String text, Charset charset, boolean charsetFallback) {

    @Override
    public String toString() {
        return "DecodedText[" + text.length() + " chars, " + charset + (charsetFallback ? ", guessed" : "") + "]";
    }
}
