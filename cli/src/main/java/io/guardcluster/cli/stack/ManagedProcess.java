package io.guardcluster.cli.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A server process started (or found again) by the stack launchers.
 *
 * <p>Two kinds of callers use these handles: {@code guard up/down/status}, where the process outlives
 * the JVM that started it and a later CLI run finds it again through the PID file the launcher wrote
 * ({@link #attach(String, Path)}), and test resources, which start throw-away servers and stop them at
 * the end. {@link #stop()} is therefore written for both: it works on a child of this JVM and on any
 * other process, and it is idempotent so that a test's {@code finally}, a JVM shutdown hook and an
 * explicit {@code guard down} may all call it.
 */
public interface ManagedProcess extends AutoCloseable {

    /** Name of the PID file a launcher writes into a server's directory (PID and start time). */
    String PID_FILE = "process.pid";

    /** A short name for messages, e.g. {@code mariadb}. */
    String name();

    /** The operating-system process id. */
    long pid();

    /** Whether the process is still running (a zombie counts as gone). */
    boolean isAlive();

    /**
     * Stops the process: SIGTERM, wait up to 10 s for a clean shutdown (MariaDB flushes InnoDB, the
     * JVM-based servers run their shutdown hooks), then SIGKILL. Idempotent; returns once the process
     * is gone and its PID file (if any) has been removed.
     *
     * @throws IllegalStateException if the process survives even SIGKILL (e.g. it belongs to another
     *                               user), which a caller must not silently ignore
     */
    void stop();

    /** Same as {@link #stop()}, so that a handle works in try-with-resources. */
    @Override
    default void close() {
        stop();
    }

    /**
     * A handle on an arbitrary process by PID, e.g. one listed by {@code guard status}. If no such
     * process runs, the handle reports {@code isAlive() == false} and {@code stop()} does nothing.
     * Prefer {@link #attach(String, Path)} where a PID file exists: it also guards against PID reuse.
     */
    static ManagedProcess attach(String name, long pid) {
        return LocalProcess.attach(name, pid, null);
    }

    /**
     * The process that a launcher recorded in {@code serverDir/}{@value #PID_FILE}, if it still runs.
     * Empty when there is no PID file, when the process is gone, or when the PID now belongs to a
     * different process (its start time differs from the recorded one, e.g. after a reboot). A stale
     * PID file is left in place; {@link #stop()} on a returned handle removes it.
     *
     * @throws IOException if the PID file exists but cannot be read or parsed
     */
    static Optional<ManagedProcess> attach(String name, Path serverDir) throws IOException {
        return LocalProcess.attachRecorded(name, serverDir.resolve(PID_FILE));
    }

    /** Whether a process with this PID runs now (zombies, which only wait to be reaped, do not count). */
    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
