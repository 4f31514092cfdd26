package io.guardcluster.common.pgp.message;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The OpenPGP peers the interop tests run as processes: GnuPG 2.2 with its own temporary home, and Sequoia's
 * Stateless OpenPGP CLI. (The other modules run their peers through test-support's Processes, which common cannot
 * depend on: test-support depends on common.) Every process is waited for with a time limit; the gpg-agent of a
 * home is stopped with {@link Gpg#close()}.
 */
final class Peers {

    private static final long TIMEOUT_SECONDS = 120;

    /**
     * Reads the processes' output on own daemon threads: the common pool has one thread on a 2-core machine, and a
     * reader queued behind the other would let the process block on a full pipe.
     */
    static final Executor THREADS = task -> {
        Thread thread = new Thread(task, "pgp-peer");
        thread.setDaemon(true);
        thread.start();
    };

    private Peers() {
    }

    record Result(List<String> command, int exit, byte[] stdout, String stderr) {

        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        Result ok() {
            assertThat(exit).as("%s failed (exit %d): %s", String.join(" ", command), exit, stderr).isZero();
            return this;
        }
    }

    static Result run(Path dir, byte[] stdin, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), THREADS);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), THREADS);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the process did not read its input; its exit code tells
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(command, process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (Exception e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", command), e);
        }
    }

    static void assumeInstalled(String command) {
        boolean found;
        try {
            found = run(null, null, List.of("sh", "-c", "command -v " + command)).exit() == 0;
        } catch (UncheckedIOException e) {
            found = false;
        }
        Assumptions.assumeTrue(found, command + " is not installed (./guard installs the OpenPGP peers)");
    }

    static Path tempDir(String prefix) {
        try {
            // Short path under /tmp: gpg-agent's socket lives in the home directory.
            return Files.createTempDirectory(Path.of("/tmp"), prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temporary files
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

    /** GnuPG with a temporary home; keys without passphrase (test keys only). */
    static final class Gpg implements AutoCloseable {

        private final Path home;

        Gpg() {
            assumeInstalled("gpg");
            home = tempDir("gpg");
        }

        Path home() {
            return home;
        }

        Result gpg(byte[] stdin, String... args) {
            List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                    "--yes", "--trust-model", "always", "--pinentry-mode", "loopback", "--passphrase", ""));
            command.addAll(List.of(args));
            return run(home, stdin, command);
        }

        /** Generates a key from a gpg batch parameter block (without passphrase); returns its fingerprint. */
        String generate(String parameters, String email) {
            gpg(("%no-protection\n" + parameters + "Name-Email: " + email + "\nExpire-Date: 0\n%commit\n")
                    .getBytes(StandardCharsets.US_ASCII), "--gen-key").ok();
            return gpg(null, "--with-colons", "--list-keys", email).ok().out().lines()
                    .filter(l -> l.startsWith("fpr:")).map(l -> l.split(":")[9]).findFirst().orElseThrow();
        }

        String generateEd25519(String email) {
            return generate("Key-Type: EDDSA\nKey-Curve: ed25519\nKey-Usage: sign\nSubkey-Type: ECDH\n"
                    + "Subkey-Curve: cv25519\nSubkey-Usage: encrypt\nName-Real: Test\n", email);
        }

        String generateRsa(int bits, String email) {
            return generate("Key-Type: RSA\nKey-Length: " + bits + "\nKey-Usage: sign\nSubkey-Type: RSA\nSubkey-Length: "
                    + bits + "\nSubkey-Usage: encrypt\nName-Real: Test\n", email);
        }

        byte[] export(String fingerprint) {
            return gpg(null, "--export", fingerprint).ok().stdout();
        }

        void importKey(byte[] key) {
            gpg(key, "--import").ok();
        }

        /** Decrypts the message in {@code file} with the secret keys of this home; the result, not checked. */
        Result decrypt(Path file) {
            return gpg(null, "--status-fd", "2", "--decrypt", "--output", "-", file.toString());
        }

        /** Encrypts {@code plaintext} to {@code recipient}, with extra options (e.g. "-z", "0", "--armor"). */
        byte[] encrypt(byte[] plaintext, String recipient, String... options) {
            List<String> args = new ArrayList<>(List.of(options));
            args.addAll(List.of("--encrypt", "--recipient", recipient, "--output", "-"));
            return gpg(plaintext, args.toArray(String[]::new)).ok().stdout();
        }

        /** The session key gpg finds for a message it can decrypt ("ALGO:HEX"). */
        String sessionKey(byte[] message) {
            Path file = write(home, "session-key-probe.gpg", message);
            Result result = gpg(null, "--status-fd", "1", "--show-session-key", "--decrypt", "--output", "/dev/null",
                    file.toString()).ok();
            return result.out().lines().filter(l -> l.startsWith("[GNUPG:] SESSION_KEY "))
                    .map(l -> l.substring("[GNUPG:] SESSION_KEY ".length()).strip()).findFirst()
                    .orElseThrow(() -> new AssertionError("gpg showed no session key: " + result.stderr()));
        }

        @Override
        public void close() {
            run(home, null, List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
            deleteTree(home);
        }
    }
}
