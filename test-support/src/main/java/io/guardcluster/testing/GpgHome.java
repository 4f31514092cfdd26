package io.guardcluster.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * GnuPG 2.2 in a temporary home of its own, for interop tests; {@link #close()} stops that home's agent and deletes it.
 * Keys are test keys without passphrase. Every process is waited for with a time limit. {@link #run} runs other
 * OpenPGP tools (Sequoia's {@code sq}) in the same directory.
 */
public final class GpgHome implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path home;

    public GpgHome() {
        Processes.assumeInstalled("gpg");
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

    public Processes.Result gpg(byte[] stdin, String... args) {
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
    public Processes.Result run(byte[] stdin, String... command) {
        Processes.assumeInstalled(command[0]);
        return run(stdin, List.of(command));
    }

    public Path write(String name, byte[] content) {
        try {
            return Files.write(home.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Processes.Result run(byte[] stdin, List<String> command) {
        return Processes.run(home, Map.of(), stdin, TIMEOUT, command);
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
