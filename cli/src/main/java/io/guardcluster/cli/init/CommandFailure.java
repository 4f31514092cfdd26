package io.guardcluster.cli.init;

/** A command could not do its work; the message is the one line the operator reads, the code the exit status. */
public final class CommandFailure extends RuntimeException {

    /** Refused on purpose (e.g. a cluster already initialised); nothing was changed. */
    public static final int REFUSED = 3;
    /** The node's oxguardpass does not fit the database (EX_CONFIG), as the services say too. */
    public static final int MISCONFIGURED = 78;

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
