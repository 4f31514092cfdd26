package io.guardcluster.common.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKey;
import io.guardcluster.common.masterkey.MasterKeyRing;

class SealerTest {

    private static final HexFormat HEX = HexFormat.of();
    /** Master key 0x00..0x1f, nonce 0xa0..0xab: the inputs of src/test/golden/seal_v1.py. */
    private static final byte[] MASTER = new byte[32];
    private static final byte[] NONCE = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");

    static {
        for (int i = 0; i < 32; i++) {
            MASTER[i] = (byte) i;
        }
    }

    private static Sealer fixedNonce(MasterKeyRing ring) {
        return new Sealer(ring, nonce -> System.arraycopy(NONCE, 0, nonce, 0, nonce.length));
    }

    /**
     * Golden vector, computed independently with Python's 'cryptography' (src/test/golden/seal_v1.py).
     * Layout: 01 | 00000001 (key id) | a0..ab (nonce) | ciphertext | 16-byte tag. If this fails, the
     * persisted format changed: every sealed row in every database would stop opening.
     */
    @Test
    void sealsToTheGoldenBytes() {
        Sealer sealer = fixedNonce(MasterKeyRing.of(new MasterKey(1, MASTER)));
        byte[] sealed = sealer.seal("key-cache", "Guard cluster golden vector".getBytes(StandardCharsets.UTF_8));
        assertThat(HEX.formatHex(sealed)).isEqualTo("01" + "00000001" + "a0a1a2a3a4a5a6a7a8a9aaab"
                + "bf35e443e01ddba9769aeca4ddfb0e2d7d36232bbd606ecc6c5f967a7795ebe0bc0f674eba9dfa853e3bf6");
    }

    @Test
    void opensTheGoldenBytesOfAnEmptyPlaintextUnderKeyId7() throws SealException {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(7, MASTER)));
        byte[] golden = HEX.parseHex("0100000007a0a1a2a3a4a5a6a7a8a9aaab5a0e69eb30a7f119a1244297264a26a0");
        assertThat(sealer.open("key-cache", golden)).isEmpty();
    }

    @Test
    void roundTripsWithRandomNonces() throws SealException {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        byte[] plaintext = "recovery data".getBytes(StandardCharsets.UTF_8);
        byte[] a = sealer.seal("recovery", plaintext);
        byte[] b = sealer.seal("recovery", plaintext);
        assertThat(a).isNotEqualTo(b);
        assertThat(sealer.open("recovery", a)).isEqualTo(plaintext);
        assertThat(sealer.open("recovery", b)).isEqualTo(plaintext);
        assertThat(a).hasSize(plaintext.length + 1 + 4 + 12 + 16);
    }

    @Test
    void everyFlippedBitIsDetected() {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        byte[] sealed = sealer.seal("recovery", "secret".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < sealed.length * 8; i++) {
            byte[] tampered = sealed.clone();
            tampered[i / 8] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> sealer.open("recovery", tampered)).isInstanceOf(SealException.class);
        }
    }

    @Test
    void tamperedBodyFailsAuthentication() {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        byte[] sealed = sealer.seal("recovery", "secret".getBytes(StandardCharsets.UTF_8));
        sealed[20] ^= 1;
        assertThatThrownBy(() -> sealer.open("recovery", sealed)).isInstanceOfSatisfying(SealException.class,
                e -> assertThat(e.reason()).isEqualTo(SealException.Reason.AUTHENTICATION_FAILED));
    }

    @Test
    void wrongPurposeFailsAuthentication() {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        byte[] sealed = sealer.seal("key-cache", "a cached key".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> sealer.open("recovery", sealed)).isInstanceOfSatisfying(SealException.class, e -> {
            assertThat(e.reason()).isEqualTo(SealException.Reason.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).contains("sealed for a purpose other than 'recovery'");
        });
    }

    @Test
    void unknownKeyIdIsNamed() {
        byte[] sealed = new Sealer(MasterKeyRing.of(new MasterKey(2, MASTER))).seal("recovery", new byte[] {1});
        Sealer otherNode = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        assertThatThrownBy(() -> otherNode.open("recovery", sealed)).isInstanceOfSatisfying(SealException.class, e -> {
            assertThat(e.reason()).isEqualTo(SealException.Reason.UNKNOWN_KEY);
            assertThat(e.getMessage()).contains("master key 2");
        });
    }

    @Test
    void oldKeysStillOpenAfterRotation() throws SealException {
        MasterKey first = new MasterKey(1, MASTER);
        byte[] second = MASTER.clone();
        second[0] = 42;
        byte[] sealedUnderFirst = new Sealer(MasterKeyRing.of(first)).seal("recovery", new byte[] {9});
        MasterKeyRing rotated = new MasterKeyRing(Map.of(1, first, 2, new MasterKey(2, second)), 2);
        Sealer sealer = new Sealer(rotated);
        assertThat(sealer.open("recovery", sealedUnderFirst)).containsExactly(9);
        assertThat(sealer.seal("recovery", new byte[] {9})).startsWith(0x01, 0x00, 0x00, 0x00, 0x02);
    }

    @Test
    void malformedInputIsRejected() {
        Sealer sealer = new Sealer(MasterKeyRing.of(new MasterKey(1, MASTER)));
        assertThatThrownBy(() -> sealer.open("recovery", new byte[10])).isInstanceOfSatisfying(SealException.class,
                e -> assertThat(e.reason()).isEqualTo(SealException.Reason.MALFORMED));
        byte[] sealed = sealer.seal("recovery", new byte[] {1});
        sealed[0] = 0x02;
        assertThatThrownBy(() -> sealer.open("recovery", sealed)).isInstanceOfSatisfying(SealException.class,
                e -> assertThat(e.getMessage()).contains("unknown format version 2"));
        assertThatThrownBy(() -> sealer.seal("Bad Purpose", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesAndToStringNeverShowKeyMaterial() {
        MasterKey key = new MasterKey(1, MASTER);
        Sealer sealer = new Sealer(MasterKeyRing.of(key));
        String hexKey = HEX.formatHex(MASTER);
        String b64Key = java.util.Base64.getEncoder().encodeToString(MASTER);
        byte[] derived = key.derive("guard-cluster/seal/v1/recovery", 32);
        for (String text : new String[] { key.toString(), sealer.toString(),
                catchMessage(() -> sealer.open("recovery", new byte[40])) }) {
            assertThat(text).doesNotContain(hexKey).doesNotContain(b64Key).doesNotContain(HEX.formatHex(derived));
        }
    }

    private static String catchMessage(ThrowingRunnable r) {
        try {
            r.run();
            return "";
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
