package io.guardcluster.filestore.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.guardcluster.testing.GpgHome;

/** GnuPG 2.2 as a peer of the file tests, on test-support's {@link GpgHome}; closing stops its agent and deletes it. */
final class Gpg implements AutoCloseable {

    private final GpgHome home = new GpgHome();

    static Gpg fresh() {
        return new Gpg();
    }

    /** A home with {@code armoredSecretKey} (protected with {@code passphrase}) imported. */
    static Gpg withSecretKey(String armoredSecretKey, String passphrase) {
        Gpg gpg = fresh();
        gpg.home.gpg(armoredSecretKey.getBytes(StandardCharsets.US_ASCII), "--passphrase", passphrase, "--import").ok();
        return gpg;
    }

    /** {@code data} encrypted with gpg to {@code armoredPublicKey}, binary, with gpg's default compression. */
    static byte[] encryptTo(String armoredPublicKey, byte[] data) {
        try (Gpg gpg = fresh()) {
            Path key = gpg.home.write("recipient.asc", armoredPublicKey.getBytes(StandardCharsets.US_ASCII));
            return gpg.home.gpg(data, "--recipient-file", key.toString(), "--encrypt", "--output", "-").ok().stdout();
        }
    }

    @Override
    public void close() {
        home.close();
    }

    /** A new key (gpg's default algorithms, no passphrase) for {@code address}; its public key, armored. */
    String generate(String address) {
        home.gpg(null, "--quick-gen-key", address, "default", "default", "never").ok();
        return home.gpg(null, "--armor", "--export", address).ok().out();
    }

    byte[] decrypt(byte[] message) {
        return home.gpg(message, "--decrypt", "--output", "-").ok().stdout();
    }

    byte[] decrypt(byte[] message, String passphrase) {
        return home.gpg(message, "--passphrase", passphrase, "--decrypt", "--output", "-").ok().stdout();
    }
}
