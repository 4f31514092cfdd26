package io.guardcluster.common.seal;

/**
 * A sealed item could not be opened. The message says which of the three cases it is and never
 * includes key material or plaintext. Wrong purpose and tampering are deliberately the same case:
 * AES-GCM cannot tell them apart, and neither should an attacker.
 */
public final class SealException extends Exception {

    /** Why an item did not open. */
    public enum Reason {
        /** Too short, or a format version this code does not know. */
        MALFORMED,
        /** Sealed under a master key id that this node's {@code oxguardpass} does not hold. */
        UNKNOWN_KEY,
        /** Authentication failed: the bytes were changed, or the item was sealed for another purpose. */
        AUTHENTICATION_FAILED
    }

    private final Reason reason;

    public SealException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
