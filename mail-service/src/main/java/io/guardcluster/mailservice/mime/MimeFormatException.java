package io.guardcluster.mailservice.mime;

/**
 * A message cannot be read as MIME, breaks a {@link MimeLimits limit}, or is not the structure it claims to be (e.g. a
 * PGP/MIME encrypted message whose first part is not {@code application/pgp-encrypted}). Checked, so that every caller
 * decides what the user is told. The message says what was wrong in terms of structure and limits; it never quotes
 * content of the mail (no header values, no body text), so it is safe to log and to show.
 */
public final class MimeFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public MimeFormatException(String message) {
        super(message);
    }

    public MimeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
