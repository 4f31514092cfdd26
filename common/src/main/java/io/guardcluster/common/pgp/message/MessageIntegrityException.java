package io.guardcluster.common.pgp.message;

import java.io.IOException;

/**
 * An encrypted message cannot be decrypted, or its integrity check failed: a wrong session key, a modified or
 * truncated body, garbage, an unsupported structure inside the encryption. Deliberately one type with one message
 * and no cause for every such failure, so that nobody (a caller relaying errors, a log reader, an attacker feeding
 * modified ciphertexts) can tell the failures apart: distinguishable failures are a decryption oracle.
 * <p>
 * An {@link IOException}, because it is thrown by the plaintext stream's {@code read}, typically at the read that
 * reaches the end of the message (only there can the integrity check be done). Whoever streams plaintext to a client
 * must treat it as "abort": everything handed out before it is unauthenticated.
 */
public final class MessageIntegrityException extends IOException {

    private static final long serialVersionUID = 1L;

    static final String MESSAGE = "the message cannot be decrypted: wrong session key, or the data is damaged or was modified";

    MessageIntegrityException() {
        super(MESSAGE);
    }

    /**
     * No stack trace: it would show where decryption failed (structure at the start, or the check at the end), which
     * is exactly what the one type and message hide; a logged trace would be the oracle again. It also lets a stream
     * rethrow one instance for every read after the failure.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
