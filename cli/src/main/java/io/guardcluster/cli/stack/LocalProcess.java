package io.guardcluster.cli.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one {@link ManagedProcess} implementation, backed by a {@link ProcessHandle} (and by the
 * {@link Process} when the process is a child of this JVM, so that its exit status is reaped here).
 */
final class LocalProcess implements ManagedProcess {

    private static final System.Logger LOG = System.getLogger(LocalProcess.class.getName());

    /** Time a server gets for a clean shutdown after SIGTERM before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final long pid;
    private final ProcessHandle handle; // null if the process was already gone when attached
    private final Process process;      // null unless the process is our child
    private final Path pidFile;         // null if none was written or read
    private Thread shutdownHook;        // guarded by this
    private boolean stopped;            // guarded by this

    private LocalProcess(String name, long pid, ProcessHandle handle, Process process, Path pidFile) {
        this.name = name;
        this.pid = pid;
        this.handle = handle;
        this.process = process;
        this.pidFile = pidFile;
    }

    static LocalProcess attach(String name, long pid, Path pidFile) {
        return new LocalProcess(name, pid, ProcessHandle.of(pid).orElse(null), null, pidFile);
    }

    /** Wraps a freshly started child and records it in {@code pidFile} (PID and start time). */
    static LocalProcess started(String name, Process process, Path pidFile) throws IOException {
        LocalProcess p = new LocalProcess(name, process.pid(), process.toHandle(), process, pidFile);
        try {
            writePidFile(pidFile, process.toHandle());
        } catch (IOException e) {
            p.stop();
            throw new IOException("Could not record the PID of " + name + " in " + pidFile + ": " + e.getMessage(), e);
        }
        return p;
    }

    static Optional<ManagedProcess> attachRecorded(String name, Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String[] fields = Files.readString(pidFile, StandardCharsets.US_ASCII).trim().split("\\s+");
        long pid;
        long startMillis;
        try {
            pid = Long.parseLong(fields[0]);
            startMillis = fields.length > 1 ? Long.parseLong(fields[1]) : 0L;
        } catch (NumberFormatException e) {
            throw new IOException("Malformed PID file " + pidFile + " (expected '<pid> <start-millis>')", e);
        }
        return attachRecorded(name, pid, startMillis, pidFile);
    }

    /**
     * The process {@code pid} if it runs and started at {@code startMillis} (0: unknown, not checked);
     * {@code pidFile} (may be null) is removed when the returned handle is stopped.
     */
    static Optional<ManagedProcess> attachRecorded(String name, long pid, long startMillis, Path pidFile) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        // PIDs are reused: only trust the record if the process started when the record says it did.
        Optional<Instant> started = handle.get().info().startInstant();
        if (startMillis != 0 && started.isPresent() && !sameStart(started.get().toEpochMilli(), startMillis)) {
            return Optional.empty();
        }
        return Optional.of(attach(name, pid, pidFile));
    }

    /** Start times in /proc have clock-tick (10 ms) resolution and the boot time is computed: allow slack. */
    private static boolean sameStart(long a, long b) {
        return Math.abs(a - b) <= 1000;
    }

    /** When the process started (epoch millis), or 0 if the OS does not say; recorded against PID reuse. */
    static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static void writePidFile(Path pidFile, ProcessHandle handle) throws IOException {
        long startMillis = startMillis(handle);
        Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
        Files.writeString(tmp, handle.pid() + " " + startMillis + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Stops this process when the JVM shuts down, unless {@link #stop()} ran first. */
    synchronized void stopOnJvmExit() {
        if (shutdownHook == null && !stopped) {
            shutdownHook = new Thread(this::stopQuietly, "stop-" + name + "-" + pid);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not stop " + name + " (pid " + pid + "): " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return handle != null && handle.isAlive();
    }

    /** The exit code if this is our child and it has exited, else empty. */
    Optional<Integer> exitCode() {
        if (process == null || process.isAlive()) {
            return Optional.empty();
        }
        return Optional.of(process.exitValue());
    }

    @Override
    public synchronized void stop() {
        if (!stopped) {
            if (isAlive()) {
                LOG.log(System.Logger.Level.DEBUG, "Stopping {0} (pid {1})", name, pid);
                handle.destroy(); // SIGTERM
                if (!awaitExit(STOP_GRACE)) {
                    LOG.log(System.Logger.Level.WARNING,
                            "{0} (pid {1}) did not stop within {2} s of SIGTERM; sending SIGKILL",
                            name, pid, STOP_GRACE.toSeconds());
                    handle.destroyForcibly();
                    if (!awaitExit(KILL_WAIT)) {
                        throw new IllegalStateException(name + " (pid " + pid + ") is still running after SIGKILL");
                    }
                }
            }
            stopped = true;
            if (pidFile != null) {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not delete " + pidFile + ": " + e.getMessage());
                }
            }
        }
        removeShutdownHook();
    }

    private void removeShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or about to; stop() is idempotent, so that is harmless.
            }
            shutdownHook = null;
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            if (process != null) {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid + ")";
    }
}
