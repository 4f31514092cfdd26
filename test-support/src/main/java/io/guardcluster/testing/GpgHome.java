package io.guardcluster.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * GnuPG 2.2 in a temporary home of its own, for interop tests; {@link #close()} stops that home's agent and deletes it.
 * Keys are test keys without passphrase. Every process is waited for with a time limit. {@link #run} runs other
 * OpenPGP tools (Sequoia's {@code sq}) in the same directory.
 */
public final class GpgHome implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 120;
    /** Own daemon threads for the pipes: the common pool has one thread on a 2-core machine. */
    private static final Executor THREADS = task -> {
        Thread thread = new Thread(task, "gpg-pipe");
        thread.setDaemon(true);
        thread.start();
    };

    /** A finished process: exit code, output, error output. */
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** This result, if the process succeeded; else an assertion failure with its error output. */
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("command failed (exit " + exit + "): " + stderr);
            }
            return this;
        }
    }

    private final Path home;

    public GpgHome() {
        Assumptions.assumeTrue(installed("gpg"), "gpg is not installed (./guard installs it)");
        try {
            // short path under /tmp: the agent's socket lives in the home
            home = Files.createTempDirectory(Path.of("/tmp"), "gpghome",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path home() {
        return home;
    }

    public Result gpg(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                "--yes", "--trust-model", "always", "--pinentry-mode", "loopback", "--passphrase", ""));
        command.addAll(List.of(args));
        return run(stdin, command);
    }

    /** An Ed25519 signing key with a Cv25519 encryption subkey for {@code email}. */
    public String generate(String email) {
        gpg(null, "--quick-gen-key", "Test <" + email + ">", "ed25519", "sign", "never").ok();
        String fingerprint = gpg(null, "--with-colons", "--list-keys", email).ok().out().lines()
                .filter(l -> l.startsWith("fpr:")).map(l -> l.split(":")[9]).findFirst().orElseThrow();
        gpg(null, "--quick-add-key", fingerprint, "cv25519", "encr", "never").ok();
        return fingerprint;
    }

    /** Runs another tool (e.g. {@code sq}) in this home's directory; skips the test if it is not installed. */
    public Result run(byte[] stdin, String... command) {
        Assumptions.assumeTrue(installed(command[0]), command[0] + " is not installed (./guard installs it)");
        return run(stdin, List.of(command));
    }

    public Path write(String name, byte[] content) {
        try {
            return Files.write(home.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result run(byte[] stdin, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(home.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gpg", e);
        }
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), THREADS);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), THREADS);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // gpg did not read its input; its exit code tells
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("gpg did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (Exception e) {
            throw new AssertionError("cannot read gpg's output", e);
        }
    }

    private static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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

    @Override
    public void close() {
        run(null, List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files: best effort
        }
    }
}
