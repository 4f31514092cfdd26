package io.guardcluster.keyservice.pgp;

/** None of the encrypted session keys is addressed to a key of the given key ring. */
public final class NoMatchingKeyException extends PgpException {

    private static final long serialVersionUID = 1L;

    public NoMatchingKeyException(String message) {
        super(message);
    }
}
