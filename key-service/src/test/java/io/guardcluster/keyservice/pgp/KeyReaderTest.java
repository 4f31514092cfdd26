package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.pgp.PgpInputException.Code;

class KeyReaderTest {

    private static final int LIMIT = 1 << 20;

    @Test
    void readsArmoredAndBinaryPublicAndSecretKeysSeveralAtOnce() throws Exception {
        PGPSecretKeyRing ed = TestKeys.ring(KeyProfile.ED25519);
        PGPSecretKeyRing rsa = TestKeys.ring(KeyProfile.RSA2048);
        PGPSecretKeyRing v6 = TestKeys.v6();

        List<PGPKeyRing> one = KeyReader.read(OpenPgpKeys.armor(OpenPgpKeys.publicKey(ed)).getBytes(StandardCharsets.US_ASCII), LIMIT);
        assertThat(one).singleElement().isInstanceOf(PGPPublicKeyRing.class);
        assertThat(KeyInfo.of(one.get(0)).fingerprint()).isEqualTo(KeyInfo.of(ed).fingerprint());

        String text = "Here are my keys:\r\n\r\n" + OpenPgpKeys.armor(OpenPgpKeys.publicKey(ed)) + "\n-- \nand\n"
                + OpenPgpKeys.armor(rsa) + "\n" + OpenPgpKeys.armor(OpenPgpKeys.publicKey(v6)) + "\nbye\n";
        List<PGPKeyRing> three = KeyReader.read(text.getBytes(StandardCharsets.US_ASCII), LIMIT);
        assertThat(three).hasSize(3);
        assertThat(three.get(0)).isInstanceOf(PGPPublicKeyRing.class);
        assertThat(three.get(1)).isInstanceOf(PGPSecretKeyRing.class);
        assertThat(KeyInfo.of(three.get(1)).fingerprint()).isEqualTo(KeyInfo.of(rsa).fingerprint());
        assertThat(KeyInfo.of(three.get(2)).version()).isEqualTo(6);

        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        binary.write(OpenPgpKeys.encode(OpenPgpKeys.publicKey(rsa)));
        binary.write(OpenPgpKeys.encode(v6));
        binary.write(OpenPgpKeys.encode(OpenPgpKeys.publicKey(ed)));
        List<PGPKeyRing> binaries = KeyReader.read(binary.toByteArray(), LIMIT);
        assertThat(binaries).extracting(r -> KeyInfo.of(r).fingerprint()).containsExactly(
                KeyInfo.of(rsa).fingerprint(), KeyInfo.of(v6).fingerprint(), KeyInfo.of(ed).fingerprint());
        assertThat(binaries.get(1)).isInstanceOf(PGPSecretKeyRing.class);

        // one armor block holding two keys
        byte[] two = concat(OpenPgpKeys.encode(OpenPgpKeys.publicKey(ed)), OpenPgpKeys.encode(OpenPgpKeys.publicKey(rsa)));
        assertThat(KeyReader.read(OpenPgpKeys.armor(two).getBytes(StandardCharsets.US_ASCII), LIMIT)).hasSize(2);
    }

    @Test
    void readsArmorWithCrLfLineEndingsAByteOrderMarkAndHeaders() throws Exception {
        PGPSecretKeyRing ed = TestKeys.ring(KeyProfile.ED25519);
        String armored = OpenPgpKeys.armor(OpenPgpKeys.publicKey(ed)).replace("\r\n", "\n")
                .replace("-----\n", "-----\nComment: from a mail client\n").replace("\n", "\r\n");
        byte[] withBom = KeyReaderTest.concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                armored.getBytes(StandardCharsets.US_ASCII));
        assertThat(KeyInfo.of(KeyReader.read(withBom, LIMIT).get(0)).fingerprint()).isEqualTo(KeyInfo.of(ed).fingerprint());
    }

    @Test
    void v6KeyInfoIsRight() throws Exception {
        PGPSecretKeyRing v6 = TestKeys.v6();
        KeyInfo info = KeyInfo.of(KeyReader.read(OpenPgpKeys.armor(OpenPgpKeys.publicKey(v6)).getBytes(StandardCharsets.US_ASCII), LIMIT).get(0));
        assertThat(info.version()).isEqualTo(6);
        assertThat(info.fingerprint()).hasSize(64);
        assertThat(info.keyId()).isEqualTo(info.fingerprint().substring(0, 16));
        assertThat(info.algorithm()).isEqualTo("Ed25519");
        assertThat(info.userIds()).containsExactly("Carol Six <carol@six.example>");
        assertThat(info.emails()).containsExactly("carol@six.example");
        assertThat(info.canEncrypt()).isTrue();
        assertThat(info.canSign()).isTrue();
        assertThat(info.allKeyIds()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(KeyPolicy.defaults().problem(v6)).isEmpty();
    }

    @Test
    void emptyAndWhitespaceInputIsEmpty() {
        assertCode(new byte[0], Code.EMPTY);
        assertCode(null, Code.EMPTY);
        assertCode(" \r\n\t ".getBytes(StandardCharsets.US_ASCII), Code.EMPTY);
    }

    @Test
    void oversizedInputIsTooLargeBeforeAnyParsing() {
        byte[] key = OpenPgpKeys.encode(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.ED25519)));
        assertThatThrownBy(() -> KeyReader.read(key, key.length - 1))
                .isInstanceOfSatisfying(PgpInputException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.TOO_LARGE);
                    assertThat(e.getMessage()).contains(String.valueOf(key.length)).contains(String.valueOf(key.length - 1));
                });
        assertThat(catchRead(key, key.length)).isNull();
    }

    @Test
    void garbageIsMalformed() {
        assertCode("this is not a key at all".getBytes(StandardCharsets.US_ASCII), Code.MALFORMED);
        byte[] random = new byte[300];
        new Random(7).nextBytes(random);
        random[0] = (byte) 0x8A; // looks like a packet header
        assertCode(random, Code.MALFORMED);
        random[0] = 0x12;
        assertCode(random, Code.MALFORMED);
        assertCode("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!! not base64 !!!!\n-----END PGP PUBLIC KEY BLOCK-----\n"
                .getBytes(StandardCharsets.US_ASCII), Code.MALFORMED);
    }

    @Test
    void truncatedKeysAreMalformed() {
        byte[] key = OpenPgpKeys.encode(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.RSA2048)));
        for (int cut : new int[] {1, 2, 10, 100, key.length / 2, key.length - 1}) {
            assertCode(Arrays.copyOf(key, cut), Code.MALFORMED);
        }
        String armored = OpenPgpKeys.armor(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.ED25519)));
        String noEnd = armored.substring(0, armored.indexOf("-----END"));
        assertCode(noEnd.getBytes(StandardCharsets.US_ASCII), Code.MALFORMED);
        String shortBody = armored.substring(0, 120) + "\n" + armored.substring(armored.indexOf("-----END"));
        assertCode(shortBody.getBytes(StandardCharsets.US_ASCII), Code.MALFORMED);
    }

    @Test
    void armorChecksumMismatchIsMalformed() {
        String armored = OpenPgpKeys.armor(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.ED25519)));
        int crc = armored.lastIndexOf("\n=") + 2;
        char flipped = armored.charAt(crc) == 'A' ? 'B' : 'A';
        String broken = armored.substring(0, crc) + flipped + armored.substring(crc + 1);
        assertCode(broken.getBytes(StandardCharsets.US_ASCII), Code.MALFORMED);
    }

    @Test
    void messagesAndSignaturesAreNotKeys() throws Exception {
        PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.ED25519);
        byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(TestKeys.utf8("hello")), ring,
                TestKeys.storagePassphrase(), false, false);
        assertCode(signature, Code.NOT_A_KEY);
        byte[] armoredSignature = DetachedSigner.sign(new ByteArrayInputStream(TestKeys.utf8("hello")), ring,
                TestKeys.storagePassphrase(), false, true);
        assertCode(armoredSignature, Code.NOT_A_KEY);
        byte[] message = TestKeys.encrypt(TestKeys.utf8("secret"), TestKeys.encryptionKey(ring), false, false).bytes();
        assertCode(message, Code.NOT_A_KEY);
        assertCode(OpenPgpKeys.armor(message).replace("PUBLIC KEY BLOCK", "MESSAGE").replace("PRIVATE KEY BLOCK", "MESSAGE")
                .getBytes(StandardCharsets.US_ASCII), Code.NOT_A_KEY);
        // a key followed by a message
        assertCode(concat(OpenPgpKeys.encode(OpenPgpKeys.publicKey(ring)), message), Code.NOT_A_KEY);
        // a lone user id packet (tag 13)
        assertCode(new byte[] {(byte) 0xCD, 0x01, 'x'}, Code.MALFORMED);
    }

    @Test
    void unknownKeyVersionIsUnsupported() {
        byte[] key = OpenPgpKeys.encode(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.ED25519)));
        assertThat(key[0] & 0xFF).isEqualTo(0xC6);
        assertThat(key[1] & 0xFF).as("one-octet length").isLessThan(192);
        byte[] v9 = key.clone();
        v9[2] = 9;
        assertCode(v9, Code.UNSUPPORTED);
    }

    @Test
    void damagedKeysNeverThrowAnythingButPgpInputException() {
        byte[] key = OpenPgpKeys.encode(TestKeys.ring(KeyProfile.ED25519));
        Random random = new Random(42);
        int failures = 0;
        for (int i = 0; i < 400; i++) {
            byte[] damaged = key.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            }
            if (random.nextBoolean()) {
                damaged = Arrays.copyOf(damaged, 1 + random.nextInt(damaged.length));
            }
            try {
                for (PGPKeyRing ring : KeyReader.read(damaged, LIMIT)) {
                    KeyInfo.of(ring); // evaluating a damaged key must not blow up either
                    KeyPolicy.defaults().problem(ring);
                }
            } catch (PgpInputException expected) {
                failures++;
            } catch (Throwable unexpected) {
                fail("input " + i + " threw " + unexpected, unexpected);
            }
        }
        assertThat(failures).isPositive();
    }

    static Object catchRead(byte[] input, int limit) {
        try {
            KeyReader.read(input, limit);
            return null;
        } catch (PgpInputException e) {
            return e;
        }
    }

    static void assertCode(byte[] input, Code code) {
        assertThatThrownBy(() -> KeyReader.read(input, LIMIT))
                .isInstanceOfSatisfying(PgpInputException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
