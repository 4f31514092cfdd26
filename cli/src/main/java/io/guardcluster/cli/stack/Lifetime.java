package io.guardcluster.cli.stack;

/**
 * How long a launched server may live relative to the JVM that launched it.
 *
 * <p>In both cases the server's stdin comes from {@code /dev/null} and its stdout/stderr go to a log
 * file, never to a pipe: a pipe to a JVM that has exited makes the server fail on its next log write
 * (SIGPIPE / EPIPE), and an unread pipe eventually blocks it.
 */
public enum Lifetime {

    /**
     * For tests and test resources: the server stays in this JVM's process group (so Ctrl+C on the
     * build reaches it too) and a shutdown hook stops it if the caller forgets to or the JVM is
     * terminated with SIGTERM/SIGINT. Nothing can stop it after SIGKILL of the JVM; that is why test
     * servers live in temporary directories on free ports.
     */
    THIS_JVM,

    /**
     * For {@code guard up}: the server runs in a session of its own (through {@code setsid} when
     * available), so it survives the launching JVM and is not hit by a Ctrl+C aimed at the terminal
     * that ran {@code guard up}. It is found again later through the PID file in its directory.
     */
    DETACHED
}
