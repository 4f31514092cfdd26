package io.guardcluster.keyservice.support;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import io.guardcluster.keyservice.pgp.SessionKey;
import io.guardcluster.testing.Processes;
import io.guardcluster.testing.Processes.Result;

/**
 * The real OpenPGP implementations the tests talk to, run as processes: GnuPG ({@code gpg}, also as an HKP client
 * through its {@code dirmngr}, and {@code gpg-wks-client}), Sequoia ({@code sq}, {@code sqop}: the Stateless OpenPGP
 * CLI) and OpenPGP.js (Node, installed from npm into {@code key-service/target/interop-node} on first use). The one
 * place for the peers of the pgp, key API and directory tests (run through test-support's {@link Processes}):
 * every process is waited for with a time limit, and the daemons GnuPG starts for a home directory are stopped
 * with it ({@link Gpg#close()}).
 */
public final class PgpPeers {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PgpPeers() {
    }

    /** Runs a command without input in the current directory. */
    public static Result run(List<String> command) {
        return run(null, Map.of(), null, command.toArray(String[]::new));
    }

    /** Runs a command with {@code stdin}, waits at most {@link #TIMEOUT}; stdout and stderr are collected. */
    public static Result run(Path workDir, Map<String, String> env, byte[] stdin, String... command) {
        return Processes.run(workDir, env, stdin, TIMEOUT, List.of(command));
    }

    public static boolean onPath(String command) {
        return Processes.onPath(command);
    }

    public static void assumeInstalled(String command) {
        Processes.assumeInstalled(command);
    }

    public static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String name, String content) {
        return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temp files
        }
    }

    /** GnuPG's {@code gpg-wks-client} (not on the PATH: in GnuPG's libexec directory). */
    public static String gpgWksClient() {
        assumeInstalled("gpgconf");
        String libexec = run(List.of("gpgconf", "--list-dirs", "libexecdir")).ok().out().strip();
        Path client = Path.of(libexec, "gpg-wks-client");
        Assumptions.assumeTrue(Files.isExecutable(client), client + " is not installed");
        return client.toString();
    }

    /** What {@code gpg-wks-client --print-wkd-hash} says the WKD hash of {@code address} is. */
    public static String wkdHash(String address) {
        // "<hash> <address>"
        return run(List.of(gpgWksClient(), "--print-wkd-hash", address)).ok().out().strip().split("\\s+")[0];
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * GnuPG with its own temporary home (short path under /tmp: gpg-agent's and dirmngr's sockets live there), for
     * test keys only (weak S2K count, see the constructor).
     * {@link #close()} stops the gpg-agent and dirmngr started for exactly this home ({@code gpgconf --kill all}),
     * then deletes it.
     */
    public static final class Gpg implements AutoCloseable {

        private final Path home;

        public Gpg() {
            assumeInstalled("gpg");
            try {
                home = Files.createTempDirectory(Path.of("/tmp"), "gpg",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                // A fixed, minimal S2K count for the agent's key protection: its calibration (100 ms of hashing per
                // protection, measured under load) made every key generation, import and export take seconds.
                write(home, "gpg-agent.conf", "s2k-count 65536\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Path home() {
            return home;
        }

        /** {@code gpg --homedir <home> --batch --no-tty --yes --trust-model always ... args}; the caller checks the exit. */
        public Result gpg(byte[] stdin, String... args) {
            List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                    "--yes", "--trust-model", "always", "--no-auto-key-locate", "--no-auto-key-retrieve"));
            command.addAll(List.of(args));
            return run(home, Map.of(), stdin, command.toArray(String[]::new));
        }

        /** gpg talking to {@code keyserver} (e.g. {@code hkp://127.0.0.1:8081}) through its dirmngr. */
        public Result withKeyserver(String keyserver, String... args) {
            List<String> all = new ArrayList<>(List.of("--keyserver", keyserver));
            all.addAll(List.of(args));
            return gpg(null, all.toArray(String[]::new));
        }

        /** {@code gpg --recv-keys} from {@code keyserver}; the caller checks the exit. */
        public Result receiveKeys(String keyserver, String... keyIds) {
            List<String> all = new ArrayList<>(List.of("--recv-keys"));
            all.addAll(List.of(keyIds));
            return withKeyserver(keyserver, all.toArray(String[]::new));
        }

        public Result importKey(byte[] key) {
            return gpg(key, "--import").ok();
        }

        public Result importSecretKey(byte[] key, String password) {
            return gpg(key, "--pinentry-mode", "loopback", "--passphrase", password, "--import").ok();
        }

        /** Colon-format listing ({@code --with-colons}) of public or secret keys. */
        public String colons(boolean secret, String keyId) {
            return gpg(null, "--with-colons", "--fixed-list-mode", secret ? "--list-secret-keys" : "--list-keys", keyId)
                    .ok().out();
        }

        /** The validity field of the key's {@code pub:} line: {@code r} revoked, {@code e} expired, ... */
        public String validity(String fingerprint) {
            String pub = colons(false, fingerprint).lines().filter(l -> l.startsWith("pub:")).findFirst()
                    .orElseThrow(() -> new AssertionError("gpg does not list " + fingerprint));
            return pub.split(":")[1];
        }

        /** Encrypts to {@code recipient} (fingerprint), binary output. */
        public byte[] encrypt(byte[] plaintext, String recipient) {
            return gpg(plaintext, "--encrypt", "--recipient", recipient, "--output", "-").ok().stdout();
        }

        /** Decrypts a message with only its session key ("ALGO:HEX"); no secret key needed. */
        public byte[] decryptWithSessionKey(byte[] message, SessionKey sessionKey) {
            return gpg(message, "--override-session-key", sessionKey.toSopString(), "--decrypt", "--output", "-")
                    .ok().stdout();
        }

        /** Verifies a detached signature; the status output ([GNUPG:] lines) is stdout. */
        public Result verify(byte[] signature, byte[] data) {
            Path sig = write(home, "data.sig", signature);
            Path file = write(home, "data", data);
            return gpg(null, "--status-fd", "1", "--verify", sig.toString(), file.toString());
        }

        /** Generates a key ({@code algorithm} as gpg's quick-gen-key takes it), protected with {@code password}. */
        public String generate(String userId, String algorithm, String expiry, String password) {
            gpg(null, "--pinentry-mode", "loopback", "--passphrase", password, "--quick-gen-key", userId, algorithm,
                    "default", expiry).ok();
            return fingerprint(colons(false, userId));
        }

        /**
         * The revocation certificate gpg made when it generated the key ({@code openpgp-revocs.d}), made importable
         * (gpg prefixes its armor header with ':' against accidental imports).
         */
        public byte[] revocationCertificate(String fingerprint) {
            String stored = new String(read(home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev")),
                    StandardCharsets.UTF_8);
            return stored.replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----")
                    .getBytes(StandardCharsets.UTF_8);
        }

        public byte[] export(String fingerprint) {
            return gpg(null, "--export", fingerprint).ok().stdout();
        }

        public byte[] exportArmored(String fingerprint) {
            return gpg(null, "--armor", "--export", fingerprint).ok().stdout();
        }

        public byte[] exportSecret(String fingerprint, String password) {
            return gpg(null, "--pinentry-mode", "loopback", "--passphrase", password, "--armor", "--export-secret-keys",
                    fingerprint).ok().stdout();
        }

        /** Detached binary signature made by gpg with an imported secret key. */
        public byte[] sign(byte[] data, String fingerprint, String password) {
            return gpg(data, "--pinentry-mode", "loopback", "--passphrase", password, "--local-user", fingerprint,
                    "--detach-sign", "--output", "-").ok().stdout();
        }

        public static String fingerprint(String colons) {
            return colons.lines().filter(l -> l.startsWith("fpr:")).map(l -> l.split(":")[9]).findFirst()
                    .orElseThrow(() -> new AssertionError("no fingerprint in " + colons));
        }

        /** Stops the gpg-agent and dirmngr started for this home, then deletes it. */
        @Override
        public void close() {
            run(home, Map.of(), null, "gpgconf", "--homedir", home.toString(), "--kill", "all");
            deleteTree(home);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Sequoia: {@code sq inspect} and the Stateless OpenPGP CLI {@code sqop}, working in a temporary directory. */
    public static final class Sequoia implements AutoCloseable {

        private final Path dir;
        private final AtomicInteger files = new AtomicInteger();

        public Sequoia() {
            assumeInstalled("sq");
            assumeInstalled("sqop");
            try {
                dir = Files.createTempDirectory("sqop");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Path file(byte[] content) {
            return write(dir, "f" + files.incrementAndGet(), content);
        }

        public String inspect(byte[] data) {
            return run(dir, Map.of(), null, "sq", "inspect", file(data).toString()).ok().out();
        }

        public byte[] encrypt(byte[] plaintext, byte[] cert) {
            return run(dir, Map.of(), plaintext, "sqop", "encrypt", "--no-armor", file(cert).toString()).ok().stdout();
        }

        public byte[] decryptWithSessionKey(byte[] message, SessionKey sessionKey) {
            Path key = file(sessionKey.toSopString().getBytes(StandardCharsets.US_ASCII));
            return run(dir, Map.of(), message, "sqop", "decrypt", "--with-session-key", key.toString()).ok().stdout();
        }

        public Result verify(byte[] signature, byte[] cert, byte[] data) {
            return run(dir, Map.of(), data, "sqop", "verify", file(signature).toString(), file(cert).toString());
        }

        public byte[] generateKey(String userId) {
            return run(dir, Map.of(), null, "sqop", "generate-key", userId).ok().stdout();
        }

        public byte[] extractCert(byte[] key) {
            return run(dir, Map.of(), key, "sqop", "extract-cert").ok().stdout();
        }

        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * OpenPGP.js 6 under Node. {@link #get()} installs it with npm into {@code target/interop-node} when absent and
     * skips the calling test (an assumption, with the reason) if npm cannot reach its registry.
     */
    public static final class OpenPgpJs {

        public static final Path HOME = Path.of("target", "interop-node").toAbsolutePath();
        private static OpenPgpJs instance;
        private final AtomicInteger scripts = new AtomicInteger();

        private OpenPgpJs() {
        }

        public static synchronized OpenPgpJs get() {
            assumeInstalled("node");
            assumeInstalled("npm");
            if (instance == null) {
                removeOldRuns();
                if (!Files.isRegularFile(HOME.resolve("node_modules/openpgp/package.json"))) {
                    try {
                        Files.createDirectories(HOME);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    Result install = PgpPeers.run(HOME, Map.of(), null, "npm", "install", "--prefix", HOME.toString(),
                            "--no-audit", "--no-fund", "--loglevel=error", "openpgp@6");
                    Assumptions.assumeTrue(install.exit() == 0 && Files.isRegularFile(HOME.resolve("node_modules/openpgp/package.json")),
                            "npm could not install openpgp@6 (no registry?): " + install.stderr().strip());
                }
                instance = new OpenPgpJs();
            }
            return instance;
        }

        /** Scripts and their directories from earlier test runs. */
        private static void removeOldRuns() {
            if (!Files.isDirectory(HOME)) {
                return;
            }
            try (Stream<Path> entries = Files.list(HOME)) {
                entries.filter(p -> p.getFileName().toString().startsWith("run-")
                        || p.getFileName().toString().startsWith("script-")).forEach(PgpPeers::deleteTree);
            } catch (IOException ignored) {
                // best effort
            }
        }

        /**
         * Runs an ES module whose body sees {@code openpgp}, {@code fs}, {@code dir} (a fresh directory holding
         * {@code inputs}) and helpers {@code read(name)} (bytes), {@code text(name)}, {@code write(name, data)}; returns
         * that directory for the outputs.
         */
        public Path run(String body, Map<String, byte[]> inputs) {
            int n = scripts.incrementAndGet();
            Path dir = HOME.resolve("run-" + ProcessHandle.current().pid() + "-" + n);
            try {
                deleteTree(dir);
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            inputs.forEach((name, content) -> write(dir, name, content));
            String script = """
                    import * as openpgp from 'openpgp';
                    import fs from 'node:fs';
                    const dir = process.argv[2];
                    const read = (name) => new Uint8Array(fs.readFileSync(dir + '/' + name));
                    const text = (name) => fs.readFileSync(dir + '/' + name, 'utf8');
                    const write = (name, data) => fs.writeFileSync(dir + '/' + name, data);
                    """ + body + "\n";
            Path file = write(HOME, "script-" + n + ".mjs", script);
            PgpPeers.run(HOME, Map.of(), null, "node", file.toString(), dir.toString()).ok();
            return dir;
        }
    }
}
