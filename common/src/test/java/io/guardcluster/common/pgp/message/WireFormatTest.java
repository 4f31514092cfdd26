package io.guardcluster.common.pgp.message;

import static io.guardcluster.common.pgp.message.TestMessages.encrypt;
import static io.guardcluster.common.pgp.message.TestMessages.encryptionKey;
import static io.guardcluster.common.pgp.message.TestMessages.publicRing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * The stored formats, byte by byte: the session key packets (kept as read, so a stored message passes through
 * unchanged) and the body's framing. A change here changes what is on disk.
 */
class WireFormatTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aV3SessionKeyPacketIsReadFromItsFraming() throws Exception {
        // new-format tag 1, length 12: version 3, key id 0102030405060708, algorithm 1 (RSA), one MPI of 1 bit
        byte[] packet = HEX.parseHex("c10d" + "03" + "0102030405060708" + "01" + "000101");
        EncryptedSessionKey parsed = EncryptedSessionKeys.parse(packet).list().get(0);
        assertThat(parsed.kind()).isEqualTo(EncryptedSessionKey.Kind.PUBLIC_KEY);
        assertThat(parsed.version()).isEqualTo(3);
        assertThat(parsed.keyIdHex()).isEqualTo("0102030405060708");
        assertThat(parsed.fingerprint()).isNull();
        assertThat(parsed.keyAlgorithm()).isEqualTo(1);
        assertThat(parsed.anonymous()).isFalse();
        assertThat(parsed.encoded()).isEqualTo(packet);
        assertThat(parsed).hasToString("EncryptedSessionKey[v3, 0102030405060708, algorithm 1]");

        // the same in gpg 2.2's legacy framing (tag 1 = 0x84, one-octet length), kept byte for byte
        byte[] legacy = HEX.parseHex("840d" + "03" + "0102030405060708" + "01" + "000101");
        assertThat(EncryptedSessionKeys.parse(legacy).encoded()).isEqualTo(legacy);
        // anonymous
        byte[] anonymous = HEX.parseHex("c10d" + "03" + "0000000000000000" + "01" + "000101");
        assertThat(EncryptedSessionKeys.parse(anonymous).list().get(0).anonymous()).isTrue();
    }

    @Test
    void aV6SessionKeyPacketNamesItsRecipientByFingerprint() throws Exception {
        String fingerprint = "cb186c4f0609a697e4d52dfa6c722b0c1f1e27c18a56708f6525ec27bad9acc9";
        // version 6, length 33, key version 6, fingerprint, algorithm 25 (X25519), then the algorithm's fields
        byte[] packet = HEX.parseHex("c12c" + "06" + "21" + "06" + fingerprint + "19" + "0001020304050607");
        EncryptedSessionKey parsed = EncryptedSessionKeys.parse(packet).list().get(0);
        assertThat(parsed.version()).isEqualTo(6);
        assertThat(HEX.formatHex(parsed.fingerprint())).isEqualTo(fingerprint);
        assertThat(parsed.keyIdHex()).isEqualTo("CB186C4F0609A697"); // a v6 key id: the fingerprint's first 8 bytes
        assertThat(parsed.keyAlgorithm()).isEqualTo(25);

        // a v6 packet with a v4 fingerprint: the key id is its last 8 bytes
        String v4 = "0102030405060708090a0b0c0d0e0f1011121314";
        byte[] v4Packet = HEX.parseHex("c120" + "06" + "15" + "04" + v4 + "12" + "0001020304050607");
        assertThat(EncryptedSessionKeys.parse(v4Packet).list().get(0).keyIdHex()).isEqualTo("0D0E0F1011121314");
        // anonymous v6
        byte[] anonymous = HEX.parseHex("c10c" + "06" + "00" + "19" + "000102030405060708");
        assertThat(EncryptedSessionKeys.parse(anonymous).list().get(0).anonymous()).isTrue();
        // an impossible fingerprint length
        assertThatThrownBy(() -> EncryptedSessionKeys.parse(HEX.parseHex("c10b" + "06" + "05" + "0401020304" + "19" + "000102")))
                .isInstanceOf(MessageFormatException.class)
                .extracting(e -> ((MessageFormatException) e).reason()).isEqualTo(Reason.MALFORMED);
        // an unknown version
        assertThatThrownBy(() -> EncryptedSessionKeys.parse(HEX.parseHex("c10d" + "05" + "0102030405060708" + "01" + "000101")))
                .isInstanceOf(MessageFormatException.class)
                .extracting(e -> ((MessageFormatException) e).reason()).isEqualTo(Reason.UNSUPPORTED);
    }

    @Test
    void markerAndPaddingPacketsAreDroppedPasswordPacketsKept() throws Exception {
        byte[] marker = HEX.parseHex("ca03504750"); // tag 10, "PGP"
        byte[] padding = HEX.parseHex("d503000000"); // tag 21
        byte[] skesk = HEX.parseHex("c30d" + "04" + "09" + "03" + "08" + "0102030405060708" + "60"); // v4, AES-256, iterated S2K
        byte[] pkesk = HEX.parseHex("c10d" + "03" + "0102030405060708" + "01" + "000101");
        EncryptedSessionKeys parsed = EncryptedSessionKeys.parse(TestMessages.concat(marker, skesk, padding, pkesk));
        assertThat(parsed.list()).extracting(EncryptedSessionKey::kind)
                .containsExactly(EncryptedSessionKey.Kind.PASSWORD, EncryptedSessionKey.Kind.PUBLIC_KEY);
        assertThat(parsed.encoded()).isEqualTo(TestMessages.concat(skesk, pkesk));
    }

    @Test
    void theBodyIsOneSeipdV1PacketInPartialLengths() throws Exception {
        var recipient = encryptionKey(publicRing(TestMessages.v4Key()));
        // small: one definite length (BouncyCastle ends a partial-length packet with its last part's length)
        TestMessages.Made small = encrypt(new byte[10], "", List.of(recipient));
        byte[] body = small.body();
        assertThat(body[0]).isEqualTo((byte) 0xD2); // new format, tag 18
        int length = body[1] & 0xFF;
        assertThat(length).isLessThan(192).isEqualTo(body.length - 2);
        // version 1, 16 + 2 bytes of prefix, literal data (2 + 1 + 1 + 0 + 4 + 10), MDC (22)
        assertThat(length).isEqualTo(1 + 18 + 18 + 22);
        assertThat(body[2]).isEqualTo((byte) 1);

        // large: 64 KiB parts (0xE0 | 16), the version octet inside the first
        TestMessages.Made large = encrypt(new byte[200_000], "", List.of(recipient));
        byte[] big = large.body();
        assertThat(big[0]).isEqualTo((byte) 0xD2);
        assertThat(big[1]).isEqualTo((byte) 0xF0);
        assertThat(big[2]).isEqualTo((byte) 1);
        assertThat(big[2 + 65536] & 0xFF).isEqualTo(0xF0); // the second part's length octet
        // the session key packet: new format tag 1, version 3, our subkey's id
        byte[] esk = large.sessionKeys().encoded();
        assertThat(esk[0]).isEqualTo((byte) 0xC1);
        assertThat(esk[2]).isEqualTo((byte) 3);
        assertThat(HEX.formatHex(esk, 3, 11)).isEqualToIgnoringCase(String.format("%016X", recipient.getKeyID()));
        assertThat(esk[11] & 0xFF).isEqualTo(recipient.getAlgorithm());
    }
}
