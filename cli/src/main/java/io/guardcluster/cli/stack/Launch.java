package io.guardcluster.cli.stack;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Process plumbing shared by the launchers: spawning servers, waiting for them, running tools. */
final class Launch {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final int LOG_TAIL_LINES = 40;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private Launch() {
    }

    /** A readiness check; exceptions count as "not ready yet" (the server may not listen yet). */
    @FunctionalInterface
    interface Probe {
        boolean ready() throws Exception;
    }

    /**
     * Starts {@code command} as a server process: stdin from /dev/null, stdout+stderr appended to
     * {@code logFile}, PID recorded in {@code dir/}{@value ManagedProcess#PID_FILE}.
     */
    static LocalProcess spawn(String name, List<String> command, Path dir, Path logFile, Map<String, String> env,
                              Lifetime lifetime) throws IOException {
        return spawn(name, command, dir, dir.resolve(ManagedProcess.PID_FILE), logFile, env, lifetime);
    }

    /**
     * Like {@link #spawn(String, List, Path, Path, Map, Lifetime)} with the PID file at {@code pidFile}:
     * for processes that share a working directory (the local stack's service replicas).
     */
    static LocalProcess spawn(String name, List<String> command, Path dir, Path pidFile, Path logFile,
                              Map<String, String> env, Lifetime lifetime) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (lifetime == Lifetime.DETACHED) {
            // setsid(1) calls setsid() and execs the command in place (no fork, since our child is
            // not a process-group leader), so the PID we get is the server's own.
            findExecutable("setsid").ifPresent(setsid -> cmd.add(setsid.toString()));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("Could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        LocalProcess p = LocalProcess.started(name, process, pidFile);
        if (lifetime == Lifetime.THIS_JVM) {
            p.stopOnJvmExit();
        }
        return p;
    }

    /**
     * Refuses to start a second server on the same directory: its files (datadir, logs) would be
     * shared by two processes. A stale PID file (process gone, or PID reused) does not count.
     */
    static void requireNotRunning(String name, Path dir) throws IOException {
        Optional<ManagedProcess> running = ManagedProcess.attach(name, dir);
        if (running.isPresent()) {
            throw new IOException("Cannot start " + name + " in " + dir + ": it is already running there (pid "
                    + running.get().pid() + "). Stop it first (guard down).");
        }
    }

    /**
     * Polls {@code probe} until it reports ready. Fails fast if the process exits, and stops the
     * process if it is not ready within {@code timeout}; both failures quote the end of its logs.
     */
    static void awaitReady(LocalProcess p, String what, Duration timeout, Probe probe, Path... logs)
            throws IOException {
        awaitReady(p, what, timeout, probe, null, logs);
    }

    /**
     * Like {@link #awaitReady(LocalProcess, String, Duration, Probe, Path...)}, and also gives up at once
     * when {@code fatalMarker} shows up at the end of the first log: some servers (Infinispan) keep their
     * JVM alive after start-up failed in the main thread, so waiting for an exit would take the full
     * timeout.
     */
    static void awaitReady(LocalProcess p, String what, Duration timeout, Probe probe, String fatalMarker,
                           Path... logs) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = null;
        while (true) {
            if (!p.isAlive()) {
                String code = p.exitCode().map(c -> " with exit code " + c).orElse("");
                throw new IOException(what + " exited during start-up" + code + "." + tails(logs));
            }
            try {
                if (probe.ready()) {
                    return;
                }
                lastProblem = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.stop();
                throw new IOException("Interrupted while waiting for " + what + " to start", e);
            } catch (Exception e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (fatalMarker != null && logs.length > 0 && tail(logs[0], LOG_TAIL_LINES * 4).contains(fatalMarker)) {
                p.stop();
                throw new IOException(what + " failed to start; it has been stopped." + tails(logs));
            }
            if (System.nanoTime() > deadline) {
                p.stop();
                throw new IOException(what + " did not become ready within " + timeout.toSeconds() + " s"
                        + (lastProblem == null ? "" : " (last check: " + lastProblem + ")")
                        + "; it has been stopped." + tails(logs));
            }
            sleep(POLL_INTERVAL);
        }
    }

    /** Runs a short-lived tool to completion, output to {@code logFile}; optional stdin text (e.g. SQL). */
    static int run(List<String> command, Path dir, Path logFile, String stdin, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(logFile == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectErrorStream(true);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = pb.start();
        try {
            if (stdin != null) {
                // Secrets travel through stdin, never through argv (visible to every user in ps).
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IOException(Path.of(command.get(0)).getFileName() + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.get(0), e);
        }
    }

    /** The {@code java} of the JVM we run in: same version and vendor for the JVM-based servers. */
    static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Looks for an executable on PATH, then in the given directories. */
    static Optional<Path> findExecutable(String name, String... extraDirs) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of(extraDirs));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(d, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Creates {@code dir} (and parents) if needed; a new leaf directory is private to its owner. */
    static Path privateDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created concurrently; fine
            }
        }
        return dir;
    }

    static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    /** The last lines of each existing, non-empty log, formatted for an exception message. */
    static String tails(Path... logs) {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            String tail = tail(log, LOG_TAIL_LINES);
            if (!tail.isBlank()) {
                sb.append("\n--- last lines of ").append(log).append(" ---\n").append(tail);
            }
        }
        return sb.toString();
    }

    static String tail(Path file, int lines) {
        if (file == null || !Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            int chunk = (int) Math.min(len, 16 * 1024);
            byte[] buf = new byte[chunk];
            raf.seek(len - chunk);
            raf.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\\R");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", List.of(all).subList(from, all.length));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }
}
