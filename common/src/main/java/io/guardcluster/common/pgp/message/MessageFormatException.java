package io.guardcluster.common.pgp.message;

/**
 * The start of an OpenPGP message is not what we accept: checked, with a {@link Reason} the caller can map to an
 * answer. Thrown before any decryption, from the unencrypted packet framing only, so it reveals nothing about keys or
 * plaintext.
 */
public final class MessageFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the message was refused. */
    public enum Reason {
        /** Not OpenPGP, broken packet framing, truncated session key packets, no session key packet. */
        MALFORMED,
        /** Valid OpenPGP, but not an encrypted message (a literal, signed or compressed message, a key, ...). */
        NOT_ENCRYPTED,
        /**
         * Encrypted without integrity protection (Symmetrically Encrypted Data, packet tag 9): such a message can be
         * modified undetectably, so it is never decrypted.
         */
        NOT_INTEGRITY_PROTECTED,
        /** An encryption container or packet version we do not support (e.g. LibrePGP's OCB packet, tag 20). */
        UNSUPPORTED,
        /** The session key packets exceed the caller's bound. */
        TOO_LARGE
    }

    private final Reason reason;

    MessageFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    MessageFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
