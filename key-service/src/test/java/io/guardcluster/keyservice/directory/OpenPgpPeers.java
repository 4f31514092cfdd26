package io.guardcluster.keyservice.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real OpenPGP peers the directory is tested against: GnuPG ({@code gpg}, which talks HKP
 * through its own {@code dirmngr}) in a throw-away home directory, and {@code gpg-wks-client}. Every
 * process is started here, waited for with a time limit, and the daemons GnuPG spawns for the home
 * directory are stopped by {@link #close()} ({@code gpgconf --kill all} for exactly that home).
 */
final class OpenPgpPeers implements AutoCloseable {

    static final String GPG_WKS_CLIENT = "/usr/lib/gnupg/gpg-wks-client";
    private static final long TIMEOUT_SECONDS = 60;

    /** A finished process. */
    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private final Path home;

    private OpenPgpPeers(Path home) {
        this.home = home;
    }

    /** A GnuPG with an empty, private home directory (short path: GnuPG's sockets live there). */
    static OpenPgpPeers gnupg() {
        try {
            Path home = Files.createTempDirectory(Path.of("/tmp"), "gpg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new OpenPgpPeers(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code gpg --batch --no-tty --homedir <home> args...} */
    Result gpg(String... args) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", home.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    Path home() {
        return home;
    }

    /** What {@code gpg-wks-client --print-wkd-hash} says the WKD hash of {@code address} is. */
    static String wkdHash(String address) {
        Result result = run(List.of(GPG_WKS_CLIENT, "--print-wkd-hash", address));
        if (result.exit() != 0) {
            throw new IllegalStateException("gpg-wks-client failed: " + result);
        }
        // "<hash> <address>"
        return result.stdout().strip().split("\\s+")[0];
    }

    static Result run(List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("peer-", ".out");
            err = Files.createTempFile("peer-", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s: " + command + "\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    /** Stops the dirmngr and gpg-agent started for this home directory, then deletes it. */
    @Override
    public void close() {
        run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(OpenPgpPeers::delete);
        } catch (IOException ignored) {
            // Best effort: a temporary directory.
        }
    }

    private static void delete(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // Best effort.
            }
        }
    }
}
