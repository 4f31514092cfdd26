package io.guardcluster.mailservice.mime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Charset look-up and decoding that never throws: unknown names and broken bytes have a defined fallback. */
final class Charsets {

    static final Charset WINDOWS_1252 = lookup("windows-1252").orElse(StandardCharsets.ISO_8859_1);

    private Charsets() {
    }

    static Optional<Charset> lookup(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(name.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static boolean isAscii(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isValidUtf8(byte[] data, int offset, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The charset 8-bit text without a usable label most likely is: UTF-8 if it is valid UTF-8, else windows-1252. */
    static Charset guess(byte[] data) {
        return isValidUtf8(data, 0, data.length) ? StandardCharsets.UTF_8 : WINDOWS_1252;
    }

    /** Decodes with replacement characters for malformed input, never an exception. */
    static String decode(byte[] data, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            // cannot happen with REPLACE; keep the contract anyway
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    /** Header bytes: UTF-8 (RFC 6532) when valid, else ISO-8859-1, which keeps every byte. */
    static String decodeHeader(byte[] data, int offset, int length) {
        if (isAscii(data, offset, length) || isValidUtf8(data, offset, length)) {
            return new String(data, offset, length, StandardCharsets.UTF_8);
        }
        return new String(data, offset, length, StandardCharsets.ISO_8859_1);
    }

    static boolean canEncode(Charset charset, CharSequence text) {
        try {
            charset.newEncoder().encode(CharBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException | UnsupportedOperationException e) {
            return false;
        }
    }
}
