package io.guardcluster.common.identity;

/** The internal identity header is missing, malformed, forged or expired; the service answers 401. */
public final class InvalidIdentityException extends Exception {

    public InvalidIdentityException(String message) {
        super(message, null, false, false);
    }
}
