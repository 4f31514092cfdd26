package io.guardcluster.common.masterkey;

/**
 * {@code oxguardpass} cannot be used: missing, unreadable or malformed. The message is one line
 * that names the problem and the fix, fit to be the last thing an operator sees before a node
 * refuses to start. It never contains key material, not even part of a malformed line.
 */
public final class MasterKeyFileException extends Exception {

    public MasterKeyFileException(String message) {
        super(message);
    }

    public MasterKeyFileException(String message, Throwable cause) {
        // The cause is an I/O error about the file (never about its content); keep it for operators.
        super(message, cause);
    }
}
