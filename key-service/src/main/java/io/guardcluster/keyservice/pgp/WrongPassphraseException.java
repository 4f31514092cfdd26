package io.guardcluster.keyservice.pgp;

/** The passphrase does not unlock the secret key. */
public final class WrongPassphraseException extends PgpException {

    private static final long serialVersionUID = 1L;

    public WrongPassphraseException(String message) {
        super(message);
    }

    public WrongPassphraseException(String message, Throwable cause) {
        super(message, cause);
    }
}
