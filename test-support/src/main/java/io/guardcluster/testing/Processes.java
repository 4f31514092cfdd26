package io.guardcluster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real programs tests talk to (gpg, sq, sqop, node...) as processes: input written, output and error output
 * collected, a time limit. The OpenPGP peers of every module's tests run through here ({@link GpgHome}, key-service's
 * PgpPeers); common's own tests cannot depend on this module and keep a small copy (its Peers).
 */
public final class Processes {

    /**
     * Reads the processes' output on own daemon threads: the common pool has one thread on a 2-core machine, and a
     * reader queued behind the other would let the process block on a full pipe.
     */
    private static final Executor READERS = task -> {
        Thread reader = new Thread(task, "process-output");
        reader.setDaemon(true);
        reader.start();
    };

    private Processes() {
    }

    /** What a process did. */
    public record Result(List<String> command, int exit, byte[] stdout, String stderr) {

        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Fails the test with the command, exit code and stderr unless the process succeeded. */
        public Result ok() {
            assertThat(exit).as("%s failed (exit %d): %s", String.join(" ", command), exit, stderr).isZero();
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + ": exit " + exit + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
        }
    }

    /**
     * Runs {@code command} in {@code workDir} (null: the current directory) with {@code env} added to this process's
     * environment, writes {@code stdin} (may be null) and waits at most {@code timeout}.
     */
    public static Result run(Path workDir, Map<String, String> env, byte[] stdin, Duration timeout, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), READERS);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), READERS);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the process did not read its input; its exit code tells
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            // A daemon the process started could hold its output open: bounded wait for the rest of the output.
            return new Result(List.copyOf(command), process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Whether {@code command} is on the PATH. */
    public static boolean onPath(String command) {
        try {
            return run(null, Map.of(), null, Duration.ofSeconds(30), List.of("sh", "-c", "command -v " + command)).exit() == 0;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Skips the calling test (an assumption, with the reason) when {@code command} is not installed. */
    public static void assumeInstalled(String command) {
        Assumptions.assumeTrue(onPath(command), command + " is not installed (./guard installs it)");
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
