package io.guardcluster.keyservice.pgp;

import java.util.Objects;

/** Input that is not what it should be: garbage, truncated, too large, not a key, or not supported. */
public final class PgpInputException extends PgpException {

    private static final long serialVersionUID = 1L;

    /** Why the input was refused; stable, so callers can map it to an API error. */
    public enum Code {
        /** No input at all (or only white space). */
        EMPTY,
        /** Not parseable as OpenPGP: garbage, bad armor, truncated or inconsistent packets. */
        MALFORMED,
        /** Larger than the caller's limit. */
        TOO_LARGE,
        /** Well-formed OpenPGP, but not a key (e.g. a message or a signature). */
        NOT_A_KEY,
        /** Well-formed, but a version or algorithm we do not handle. */
        UNSUPPORTED
    }

    private final Code code;

    public PgpInputException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public PgpInputException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public Code code() {
        return code;
    }
}
