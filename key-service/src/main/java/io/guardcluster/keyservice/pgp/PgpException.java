package io.guardcluster.keyservice.pgp;

/**
 * Base of the checked exceptions of the OpenPGP layer. Messages say what went wrong in words meant for
 * logs and API answers; they never contain key material, session keys or passphrases.
 */
public abstract class PgpException extends Exception {

    private static final long serialVersionUID = 1L;

    protected PgpException(String message) {
        super(message);
    }

    protected PgpException(String message, Throwable cause) {
        super(message, cause);
    }
}
