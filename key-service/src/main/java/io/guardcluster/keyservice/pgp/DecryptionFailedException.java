package io.guardcluster.keyservice.pgp;

/** An encrypted session key addressed to our key could not be decrypted (corrupt, or not really for this key). */
public final class DecryptionFailedException extends PgpException {

    private static final long serialVersionUID = 1L;

    public DecryptionFailedException(String message) {
        super(message);
    }

    public DecryptionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
