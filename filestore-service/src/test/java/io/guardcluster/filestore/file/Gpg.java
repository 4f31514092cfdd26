package io.guardcluster.filestore.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** GnuPG 2.2 as a peer, in a throw-away home directory. */
final class Gpg {

    private final Path home;

    private Gpg(Path home) {
        this.home = home;
    }

    static Gpg fresh() throws IOException {
        Path home = Files.createTempDirectory("gnupg-");
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return new Gpg(home);
    }

    /** A home with {@code armoredSecretKey} (protected with {@code passphrase}) imported. */
    static Gpg withSecretKey(String armoredSecretKey, String passphrase) throws IOException, InterruptedException {
        Gpg gpg = fresh();
        gpg.run(armoredSecretKey.getBytes(StandardCharsets.US_ASCII), "--batch", "--pinentry-mode", "loopback",
                "--passphrase", passphrase, "--import");
        return gpg;
    }

    /** {@code data} encrypted with gpg to {@code armoredPublicKey}, binary, with gpg's default compression. */
    static byte[] encryptTo(String armoredPublicKey, byte[] data) throws IOException, InterruptedException {
        Gpg gpg = fresh();
        Path key = gpg.home.resolve("recipient.asc");
        Files.writeString(key, armoredPublicKey);
        return gpg.run(data, "--batch", "--trust-model", "always", "--recipient-file", key.toString(), "--encrypt");
    }

    byte[] decrypt(byte[] message, String passphrase) throws IOException, InterruptedException {
        return run(message, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--decrypt");
    }

    private byte[] run(byte[] input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--quiet", "--no-tty"));
        command.addAll(List.of(args));
        Path in = Files.createTempFile(home, "in", ".bin");
        Path out = Files.createTempFile(home, "out", ".bin");
        Path err = Files.createTempFile(home, "err", ".txt");
        Files.write(in, input);
        Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("gpg did not finish: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("gpg failed (" + process.exitValue() + "): " + Files.readString(err));
        }
        return Files.readAllBytes(out);
    }
}
