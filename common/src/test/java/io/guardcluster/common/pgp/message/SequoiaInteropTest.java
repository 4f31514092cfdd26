package io.guardcluster.common.pgp.message;

import static io.guardcluster.common.pgp.message.TestMessages.encrypt;
import static io.guardcluster.common.pgp.message.TestMessages.encryptionKey;
import static io.guardcluster.common.pgp.message.TestMessages.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Interop with Sequoia through its Stateless OpenPGP CLI ({@code sqop}), both directions. */
class SequoiaInteropTest {

    private static final byte[] TEXT = utf8("Guard and Sequoia.\n".repeat(500));

    private static Path dir;
    private static Path key;
    private static Path cert;

    @BeforeAll
    static void key() {
        Peers.assumeInstalled("sqop");
        dir = Peers.tempDir("sqop");
        key = Peers.write(dir, "key.asc", sqop(null, "generate-key", "Sam Sequoia <sam@sequoia.example>").stdout());
        cert = Peers.write(dir, "cert.asc", sqop(Peers.read(key), "extract-cert").stdout());
    }

    @AfterAll
    static void cleanUp() {
        Peers.deleteTree(dir);
    }

    private static Peers.Result sqop(byte[] stdin, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("sqop"));
        command.addAll(List.of(args));
        return Peers.run(dir, stdin, command).ok();
    }

    @Test
    void sqopDecryptsWhatWeEncryptWithItsKeyAndWithTheSessionKey() throws Exception {
        PGPPublicKeyRing ring = new PGPPublicKeyRing(PGPUtil.getDecoderStream(new ByteArrayInputStream(Peers.read(cert))),
                new BcKeyFingerprintCalculator());
        TestMessages.Made made = encrypt(TEXT, "sq.txt", List.of(encryptionKey(ring)));
        assertThat(sqop(made.message(), "decrypt", key.toString()).stdout()).isEqualTo(TEXT);

        Path sessionKey = Peers.write(dir, "session.key", TestMessages.sopString(made.sessionKey()).getBytes(StandardCharsets.US_ASCII));
        assertThat(sqop(made.message(), "decrypt", "--with-session-key", sessionKey.toString()).stdout()).isEqualTo(TEXT);
        made.sessionKey().destroy();
    }

    @Test
    void weDecryptWhatSqopEncrypts() throws Exception {
        byte[] message = sqop(TEXT, "encrypt", "--no-armor", cert.toString()).stdout();
        Path sessionKeyOut = dir.resolve("out.key");
        assertThat(sqop(message, "decrypt", "--session-key-out", sessionKeyOut.toString(), key.toString()).stdout())
                .isEqualTo(TEXT);
        try (SessionKey sessionKey = TestMessages.parseSessionKey(new String(Peers.read(sessionKeyOut), StandardCharsets.US_ASCII))) {
            SplitMessage split = SplitMessage.read(new ByteArrayInputStream(message));
            try (DecryptingInputStream in = MessageDecryptor.create().decrypt(split.body(), sessionKey)) {
                assertThat(in.readAllBytes()).isEqualTo(TEXT);
                assertThat(in.verified()).isTrue();
            }
        }
    }
}
