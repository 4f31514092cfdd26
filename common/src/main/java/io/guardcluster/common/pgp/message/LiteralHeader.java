package io.guardcluster.common.pgp.message;

import java.time.Instant;

/**
 * What a literal data packet (RFC 9580 5.9) says about its content. Sent by whoever encrypted the message, and
 * authenticated only when the plaintext has been read to its end without a {@link MessageIntegrityException}: use it
 * as a hint (a download's suggested name), never for a decision.
 *
 * @param format           'b' binary, 'u' UTF-8 text, 't' text, 'l'/'1' local (obsolete)
 * @param fileName         the file name, decoded as UTF-8; empty if none
 * @param modificationTime the date it carries; {@link Instant#EPOCH} if none
 */
public record LiteralHeader(char format, String fileName, Instant modificationTime) {
}
