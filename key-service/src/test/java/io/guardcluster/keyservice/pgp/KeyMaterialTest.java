package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {

    /**
     * Ed25519 material created 2026-01-01T00:00:00Z, encoded by format version 1. Pins the layout documented on
     * {@link KeyMaterial}: if this test fails, stored pools become unreadable, so add a format version instead.
     */
    static final String GOLDEN_ED25519 = "474b4d010100000000005ac558046955b90016092b06010401da470f010107402fa1871d7b3b55859fa3416c9dbe3af7588a4728d15ec5af29826567c79199550000fd12b8381bce6169e6b4f696626673c7d0a375cbb0846fa74ce5bed900e24937a412a50000005fc75d046955b900120a2b060104019755010501010740c545071a8bea0b68903b7aba612cae74978f7a6fae85d3b801bc37d97ac77243030108070000ff46ba3d900e1345b710b4d133bc1c57ed9c873d76777b14a27bb20b66e24a86100eab";
    static final String GOLDEN_FINGERPRINT = "12709BE5C2E362D82A0AD4DEA167BAA80AF3BD1C";

    @Test
    void goldenEncodingDecodesToTheSameKeyAndReEncodesByteForByte() throws Exception {
        byte[] golden = HexFormat.of().parseHex(GOLDEN_ED25519);
        KeyMaterial material = KeyMaterial.decode(golden);
        assertThat(material.profile()).isEqualTo(KeyProfile.ED25519);
        assertThat(material.fingerprint()).isEqualTo(GOLDEN_FINGERPRINT);
        assertThat(material.creationTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(material.encode()).isEqualTo(golden);

        PGPSecretKeyRing ring = OpenPgpKeys.certify(material, "Golden <golden@example.com>", Optional.empty(), null,
                OpenPgpKeys.Protection.STORAGE);
        KeyInfo info = KeyInfo.of(ring);
        assertThat(info.fingerprint()).isEqualTo(GOLDEN_FINGERPRINT);
        assertThat(info.allKeyIds()).containsExactly("A167BAA80AF3BD1C", "9F36BD99EDBEC49B");
    }

    @Test
    void goldenEncodingHasTheDocumentedLayout() {
        ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex(GOLDEN_ED25519));
        byte[] magic = new byte[3];
        in.get(magic);
        assertThat(new String(magic, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GKM");
        assertThat(in.get()).as("format version").isEqualTo((byte) 1);
        assertThat(in.get()).as("profile algorithm ed25519").isEqualTo((byte) 1);
        assertThat(in.getShort()).as("RSA bits").isZero();
        int primaryLength = in.getInt();
        int primaryStart = in.position();
        assertThat(in.get(primaryStart) & 0xFF).as("new-format Secret-Key packet header").isEqualTo(0xC5);
        assertThat(in.get(primaryStart + 2)).as("key version").isEqualTo((byte) 4);
        assertThat(in.get(primaryStart + 7)).as("EdDSALegacy").isEqualTo((byte) PublicKeyAlgorithmTags.EDDSA_LEGACY);
        in.position(primaryStart + primaryLength);
        int subkeyLength = in.getInt();
        int subkeyStart = in.position();
        assertThat(in.get(subkeyStart) & 0xFF).as("new-format Secret-Subkey packet header").isEqualTo(0xC7);
        assertThat(in.get(subkeyStart + 7)).as("ECDH").isEqualTo((byte) PublicKeyAlgorithmTags.ECDH);
        assertThat(subkeyStart + subkeyLength).as("nothing after the subkey").isEqualTo(in.limit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa2048", "rsa3072", "rsa4096"})
    void eachProfileGeneratesTheRightKeysAndRoundTrips(String id) throws Exception {
        KeyProfile profile = KeyProfile.parse(id);
        KeyMaterial material = TestKeys.material(profile);
        byte[] encoded = material.encode();
        assertThat(encoded[4]).isEqualTo((byte) (profile.algorithm() == KeyProfile.Algorithm.ED25519 ? 1 : 2));
        assertThat(ByteBuffer.wrap(encoded, 5, 2).getShort() & 0xFFFF).isEqualTo(profile.rsaBits());

        KeyMaterial decoded = KeyMaterial.decode(encoded);
        assertThat(decoded.profile()).isEqualTo(profile);
        assertThat(decoded.fingerprint()).isEqualTo(material.fingerprint());
        assertThat(decoded.creationTime()).isEqualTo(material.creationTime());
        assertThat(decoded.encode()).isEqualTo(encoded);

        PGPPublicKey primary = decoded.primary().getPublicKey();
        PGPPublicKey subkey = decoded.subkey().getPublicKey();
        assertThat(primary.getVersion()).isEqualTo(4);
        if (profile.algorithm() == KeyProfile.Algorithm.ED25519) {
            assertThat(KeyInfo.algorithmName(primary)).isEqualTo("EdDSA-Ed25519");
            assertThat(primary.getAlgorithm()).isEqualTo(22);
            assertThat(KeyInfo.algorithmName(subkey)).isEqualTo("ECDH-Cv25519");
            assertThat(subkey.getAlgorithm()).isEqualTo(18);
        } else {
            assertThat(KeyInfo.algorithmName(primary)).isEqualTo("RSA-" + profile.rsaBits());
            assertThat(KeyInfo.algorithmName(subkey)).isEqualTo("RSA-" + profile.rsaBits());
            var rsa = (org.bouncycastle.bcpg.RSAPublicBCPGKey) primary.getPublicKeyPacket().getKey();
            assertThat(rsa.getPublicExponent().intValue()).isEqualTo(65537);
        }
        assertThat(primary.getKeyID()).isNotEqualTo(subkey.getKeyID());
    }

    @Test
    void creationTimeIsKeptToTheSecond() {
        Instant when = Instant.parse("2025-06-01T12:34:56.789Z");
        KeyMaterial material = KeyMaterial.generate(KeyProfile.ED25519, when);
        assertThat(material.creationTime()).isEqualTo(Instant.parse("2025-06-01T12:34:56Z"));
        assertThat(material.toString()).contains("ed25519").contains(material.fingerprint());
    }

    @Test
    void decodeRefusesGarbageTruncationAndTampering() {
        byte[] golden = HexFormat.of().parseHex(GOLDEN_ED25519);
        assertCode(new byte[0], PgpInputException.Code.EMPTY);
        assertCode("hello world, not key material".getBytes(), PgpInputException.Code.MALFORMED);
        for (int cut : new int[] {5, 11, 40, golden.length - 30, golden.length - 1}) {
            assertCode(Arrays.copyOf(golden, cut), PgpInputException.Code.MALFORMED);
        }
        byte[] trailing = Arrays.copyOf(golden, golden.length + 1);
        assertCode(trailing, PgpInputException.Code.MALFORMED);

        byte[] version = golden.clone();
        version[3] = 3;
        assertCode(version, PgpInputException.Code.UNSUPPORTED);
        byte[] noBinding = golden.clone();
        noBinding[3] = 2; // says a binding follows, none does
        assertCode(noBinding, PgpInputException.Code.MALFORMED);

        byte[] wrongProfile = golden.clone();
        wrongProfile[4] = 2; // says RSA
        wrongProfile[5] = 0x08; // 2048
        assertCode(wrongProfile, PgpInputException.Code.MALFORMED);

        byte[] badLength = golden.clone();
        badLength[7] = 0x7F;
        assertCode(badLength, PgpInputException.Code.MALFORMED);

        byte[] badChecksum = golden.clone();
        int checksumOfPrimary = 11 + ByteBuffer.wrap(golden, 7, 4).getInt() - 1;
        badChecksum[checksumOfPrimary] ^= 0x01;
        assertCode(badChecksum, PgpInputException.Code.MALFORMED);

        byte[] swapped = golden.clone();
        swapped[11] = (byte) 0xC7; // primary packet claims to be a subkey
        assertCode(swapped, PgpInputException.Code.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa2048"})
    void aBoundSubkeyRoundTripsAsVersion2AndCertifyUsesItsBinding(String id) throws Exception {
        KeyMaterial material = TestKeys.material(KeyProfile.parse(id));
        Optional<Instant> expiry = Optional.of(material.creationTime().plus(java.time.Duration.ofDays(730)));
        KeyMaterial bound = OpenPgpKeys.bindSubkey(material, expiry);
        byte[] encoded = bound.encode();
        assertThat(encoded[3]).as("format version").isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(encoded, 0, material.encode().length)).as("version 1 layout first")
                .isEqualTo(withVersion(material.encode(), 2));

        KeyMaterial decoded = KeyMaterial.decode(encoded);
        assertThat(decoded.encode()).isEqualTo(encoded);
        byte[] binding = decoded.subkeyBinding().orElseThrow().getEncoded();

        PGPSecretKeyRing ring = OpenPgpKeys.certify(decoded, "Bound <bound@example.com>", expiry, null,
                OpenPgpKeys.Protection.STORAGE);
        PGPPublicKey subkey = OpenPgpKeys.publicKey(ring).getPublicKey(decoded.subkey().getKeyID());
        assertThat(signatures(subkey)).as("the pooled binding, not a new one").containsExactly(HexFormat.of().formatHex(binding));
        KeyInfo info = KeyInfo.of(ring);
        assertThat(info.expires()).contains(expiry.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(info.canEncrypt()).isTrue();

        // Another expiry than the pooled binding's: a new binding that says the right one.
        Optional<Instant> other = Optional.of(material.creationTime().plus(java.time.Duration.ofDays(10)));
        PGPSecretKeyRing resigned = OpenPgpKeys.certify(decoded, "Bound <bound@example.com>", other, null,
                OpenPgpKeys.Protection.STORAGE);
        PGPPublicKey resignedSubkey = OpenPgpKeys.publicKey(resigned).getPublicKey(decoded.subkey().getKeyID());
        assertThat(signatures(resignedSubkey)).doesNotContain(HexFormat.of().formatHex(binding)).hasSize(1);
        assertThat(resignedSubkey.getSignatures().next().getHashedSubPackets().getKeyExpirationTime())
                .isEqualTo(java.time.Duration.ofDays(10).getSeconds());
    }

    @Test
    void aBindingOfAnotherSubkeyOrATamperedOneIsRefused() throws Exception {
        KeyMaterial first = OpenPgpKeys.bindSubkey(KeyMaterial.generate(KeyProfile.ED25519, Instant.now()), Optional.empty());
        KeyMaterial second = KeyMaterial.generate(KeyProfile.ED25519, Instant.now());
        // second's keys with first's binding
        byte[] foreign = second.withSubkeyBinding(first.subkeyBinding().orElseThrow()).encode();
        assertCode(foreign, PgpInputException.Code.MALFORMED);

        byte[] tampered = first.encode();
        tampered[tampered.length - 3] ^= 0x01; // inside the signature value
        assertCode(tampered, PgpInputException.Code.MALFORMED);
    }

    private static byte[] withVersion(byte[] encoded, int version) {
        byte[] copy = encoded.clone();
        copy[3] = (byte) version;
        return copy;
    }

    private static java.util.List<String> signatures(PGPPublicKey key) throws Exception {
        java.util.List<String> hex = new java.util.ArrayList<>();
        for (var it = key.getSignatures(); it.hasNext(); ) {
            hex.add(HexFormat.of().formatHex(it.next().getEncoded()));
        }
        return hex;
    }

    private static void assertCode(byte[] input, PgpInputException.Code code) {
        assertThatThrownBy(() -> KeyMaterial.decode(input))
                .isInstanceOfSatisfying(PgpInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
