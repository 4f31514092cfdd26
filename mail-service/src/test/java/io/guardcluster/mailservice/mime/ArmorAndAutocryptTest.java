package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ArmorAndAutocryptTest {

    private static final byte[] KEY_ARMORED = Fixtures.resource("fixture-key.asc");

    private static byte[] key() throws MimeFormatException {
        return Armor.decode(KEY_ARMORED);
    }

    @Test
    void armorRoundTripWithCrcAndCrlf() throws Exception {
        byte[] packets = key();
        String armored = Armor.encode(packets);

        assertThat(armored).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n\r\n")
                .endsWith("-----END PGP PUBLIC KEY BLOCK-----\r\n").doesNotContain("Version");
        assertThat(armored.lines().filter(l -> l.startsWith("=")).count()).isEqualTo(1); // the CRC-24 line
        assertThat(armored.lines().mapToInt(String::length).max().orElseThrow()).isLessThanOrEqualTo(64);
        assertThat(LineEndings.isCanonicalCrlf(armored.getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(Armor.decode(armored)).isEqualTo(packets);
        assertThat(Armor.label(armored.getBytes(StandardCharsets.US_ASCII))).contains("PGP PUBLIC KEY BLOCK");
    }

    @Test
    void armorWithoutCrcIsAcceptedAndWithABadCrcRefused() throws Exception {
        String armored = Armor.encode(key());
        String withoutCrc = armored.replaceAll("\r\n=[A-Za-z0-9+/]{4}\r\n", "\r\n");
        assertThat(withoutCrc).isNotEqualTo(armored);
        assertThat(Armor.decode(withoutCrc)).isEqualTo(key());

        String crc = armored.lines().filter(l -> l.startsWith("=")).findFirst().orElseThrow();
        String badCrc = armored.replace(crc, crc.endsWith("A") ? "=AAAB" : "=AAAA");
        assertThatThrownBy(() -> Armor.decode(badCrc)).isInstanceOf(MimeFormatException.class)
                .hasMessageContaining("checksum does not match");
    }

    @Test
    void armorWithHeadersLfLineEndsAndLongLinesDecodesAsBouncyCastleReadsIt() throws Exception {
        String armored = Armor.encode(key());
        String body = armored.substring(armored.indexOf("\r\n\r\n") + 4, armored.indexOf("\r\n="));
        String oneLine = body.replace("\r\n", "");
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < oneLine.length(); i += 76) {
            wide.append(oneLine, i, Math.min(oneLine.length(), i + 76)).append("  \n"); // trailing spaces, LF only
        }
        String variant = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: Test 1.0\nComment: a: colon\n\n" + wide
                + armored.substring(armored.indexOf("\r\n=") + 2).replace("\r\n", "\n");
        byte[] bc;
        try (var in = org.bouncycastle.bcpg.ArmoredInputStream.builder()
                .build(new java.io.ByteArrayInputStream(variant.getBytes(StandardCharsets.US_ASCII)))) {
            bc = in.readAllBytes();
        }
        assertThat(Armor.decode(variant)).isEqualTo(key()).isEqualTo(bc);
        // not base64, or data after the checksum line: refused
        assertThatThrownBy(() -> Armor.decode(variant.replace(wide.substring(0, 8), "%%%%%%%%")))
                .isInstanceOf(MimeFormatException.class);
    }

    @Test
    void armorWithoutEndOrWithGarbageIsRefused() throws Exception {
        String armored = Armor.encode(key());
        String truncated = armored.substring(0, armored.indexOf("-----END"));
        assertThatThrownBy(() -> Armor.decode(truncated)).isInstanceOf(MimeFormatException.class);
        assertThatThrownBy(() -> Armor.decode("no armor here")).isInstanceOf(MimeFormatException.class);
        String clearsigned = new String(Fixtures.resource("clearsigned.asc"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Armor.decode(clearsigned)).isInstanceOf(MimeFormatException.class)
                .hasMessageContaining("cleartext");
        assertThat(Armor.decode("Text before\r\n" + armored)).isEqualTo(key());
    }

    @Test
    void autocryptHeaderBuildAndParse() throws Exception {
        AutocryptHeader header = new AutocryptHeader("alice@example.org", true, key());
        HeaderField field = header.toHeader();

        assertThat(field.name()).isEqualTo("Autocrypt");
        for (String line : ("Autocrypt: " + field.value()).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
        MimePart message = new MimeParser().parse(MailComposer.compose(
                new MailComposer("guard.example").headers().from(new MailAddress("Alice", "Alice@Example.org"))
                        .header(field).build(),
                MimeEntityBuilder.create().text("hi").build()));

        assertThat(AutocryptHeader.fromMessage(message)).contains(header);
        assertThat(AutocryptHeader.parse(field.value())).contains(header);
        assertThat(header.toString()).doesNotContain("alice");
    }

    @Test
    void autocryptLevel1RulesForWhichHeaderCounts() throws Exception {
        String keydata = java.util.Base64.getEncoder().encodeToString(key());
        assertThat(AutocryptHeader.parse("addr=a@example.org; _comment=hi; keydata=" + keydata)).isPresent();
        assertThat(AutocryptHeader.parse("addr=a@example.org; prefer-encrypt=nopreference; keydata=" + keydata))
                .hasValueSatisfying(h -> assertThat(h.preferEncrypt()).isFalse());
        assertThat(AutocryptHeader.parse("addr=a@example.org; type=2; keydata=" + keydata)).isEmpty();
        assertThat(AutocryptHeader.parse("addr=a@example.org")).isEmpty();
        assertThat(AutocryptHeader.parse("keydata=" + keydata)).isEmpty();
        assertThat(AutocryptHeader.parse("addr=a@example.org; keydata=!!notbase64!!")).isEmpty();

        String one = "Autocrypt: addr=alice@example.org; keydata=" + keydata + "\n";
        String other = "Autocrypt: addr=mallory@example.org; keydata=" + keydata + "\n";
        assertThat(AutocryptHeader.fromMessage(message("From: alice@example.org\n" + one + other))).isPresent();
        assertThat(AutocryptHeader.fromMessage(message("From: alice@example.org\n" + one + one))).isEmpty();
        assertThat(AutocryptHeader.fromMessage(message("From: alice@example.org, b@example.org\n" + one))).isEmpty();
        assertThat(AutocryptHeader.fromMessage(message("From: mallory@example.org\n" + one))).isEmpty();
        assertThat(AutocryptHeader.fromMessage(message("From: alice@example.org\n" + one
                + "Content-Type: multipart/report; boundary=b\n\n--b\n\nx\n--b--\n"))).isEmpty();
    }

    @Test
    void gossipOnlyForRecipients() throws Exception {
        AutocryptHeader bob = new AutocryptHeader("bob@example.net", false, key());
        AutocryptHeader stranger = new AutocryptHeader("stranger@example.net", false, key());
        byte[] payload = MimeEntityBuilder.create().text("x").header(bob.toGossipHeader())
                .header(stranger.toGossipHeader()).build();

        List<AutocryptHeader> gossip = AutocryptHeader.gossip(new MimeParser().parse(payload),
                List.of(new MailAddress("Bob", "BOB@example.net")));
        assertThat(gossip).containsExactly(bob);
    }

    private static MimePart message(String header) throws MimeFormatException {
        return new MimeParser().parse(crlf(header.contains("Content-Type") ? header : header + "\nbody"));
    }
}
