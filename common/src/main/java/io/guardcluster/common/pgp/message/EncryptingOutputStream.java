package io.guardcluster.common.pgp.message;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The plaintext side of a message being encrypted ({@link MessageEncryptor#encrypt}): what is written here ends up
 * encrypted in the body stream. {@link #close()} finishes the message (the end of the literal data, the modification
 * detection code, the last partial length) and flushes, but does not close, the body stream; a body whose stream was
 * not closed is incomplete, and every reader refuses it.
 * <p>
 * The {@link #sessionKey()} belongs to the caller: closing this stream does not destroy it (the caller may still
 * need it to share the message); the caller destroys it. Not thread-safe.
 */
public final class EncryptingOutputStream extends OutputStream {

    private final OutputStream literal;
    private final OutputStream encrypted;
    private final OutputStream body;
    private final EncryptedSessionKeys sessionKeys;
    private final SessionKey sessionKey;
    private long plaintextBytes;
    private boolean closed;

    EncryptingOutputStream(OutputStream literal, OutputStream encrypted, OutputStream body,
            EncryptedSessionKeys sessionKeys, SessionKey sessionKey) {
        this.literal = literal;
        this.encrypted = encrypted;
        this.body = body;
        this.sessionKeys = sessionKeys;
        this.sessionKey = sessionKey;
    }

    /** One v3 PKESK per recipient, in the order given; they and the body make the message. */
    public EncryptedSessionKeys sessionKeys() {
        return sessionKeys;
    }

    /** The message's session key (AES-256), for sharing it later; the caller destroys it. */
    public SessionKey sessionKey() {
        return sessionKey;
    }

    /** Plaintext bytes written so far. */
    public long plaintextBytes() {
        return plaintextBytes;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        literal.write(b);
        plaintextBytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        literal.write(b, off, len);
        plaintextBytes += len;
    }

    /**
     * Passes buffered ciphertext on as far as the format allows: a partial body length is written only for a full
     * chunk, so up to two chunks stay buffered until {@link #close()}.
     */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        body.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        literal.close(); // ends the literal data packet, inside the encryption
        encrypted.close(); // the MDC packet, the cipher's end, the last partial length; not the body stream
        body.flush();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the message is closed");
        }
    }
}
