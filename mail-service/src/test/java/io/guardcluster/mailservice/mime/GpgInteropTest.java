package io.guardcluster.mailservice.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

import io.guardcluster.testing.GpgHome;
import io.guardcluster.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builder and parser agree on the bytes, proven with GnuPG: what the builder says is signed is signed by gpg, and gpg
 * verifies the signature over the bytes the parser hands out of the composed message, also after a mail store turned
 * every CRLF into LF. The same for a cleartext-signed inline message and for decryption.
 */
class GpgInteropTest {

    private static final String ALICE = "alice@gpg.example";
    private static GpgHome gpg;
    private final MailComposer composer = new MailComposer("guard.example",
            Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneId.of("Europe/Berlin")));

    @BeforeAll
    static void key() {
        gpg = new GpgHome();
        gpg.generate(ALICE);
    }

    @AfterAll
    static void stop() {
        if (gpg != null) {
            gpg.close();
        }
    }

    private MessageHeaders headers() {
        return composer.headers().from(new MailAddress("Alice Ä.", ALICE))
                .to(new MailAddress("Bob", "bob@example.net")).subject("Signiert: Grüße 👋").build();
    }

    @Test
    void pgpMimeSignatureOverTheBuiltEntityVerifiesOnTheParsedBytes() throws Exception {
        MessageHeaders headers = headers();
        byte[] entity = MimeEntityBuilder.create()
                .text("Hallo Bob,\ntrailing blanks   \nFrom here on: a line mbox would mangle.\n-- \nAlice\n")
                .html("<p>Hallo Bob, schöne Grüße</p>")
                .attach(new Attachment("Übersicht 2024.bin", "application/octet-stream", allBytes()))
                .protectedHeaders(headers)
                .build();
        byte[] signature = gpg.gpg(entity, "--armor", "--detach-sign", "--digest-algo", "SHA512", "-u", ALICE)
                .ok().stdout();
        byte[] message = MailComposer.compose(headers,
                PgpMimeWriter.signed(entity, new String(signature, StandardCharsets.US_ASCII), "SHA512"));

        for (byte[] stored : new byte[][] {message, Fixtures.ascii(message).replace("\r\n", "\n")
                .getBytes(StandardCharsets.ISO_8859_1)}) {
            PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(new MimeParser().parse(stored));
            assertThat(signed.signedData()).isEqualTo(entity);
            assertThat(signed.micalg()).isEqualTo("pgp-sha512");
            gpg.write("signed.data", signed.signedData());
            gpg.write("signed.asc", signed.signature().bytes());
            Processes.Result verify = gpg.gpg(null, "--status-fd", "2", "--verify", "signed.asc", "signed.data");
            assertThat(verify.exit()).as(verify.stderr()).isZero();
            assertThat(verify.stderr()).contains("[GNUPG:] GOODSIG");
            assertThat(Envelope.of(signed.signedPart()).subject()).contains("Signiert: Grüße 👋");
        }
    }

    @Test
    void cleartextSignatureVerifiesOverTheExtractedText() throws Exception {
        String text = "Grüße,\n- eine Zeile mit Strich  \nFrom the start\t\n-----BEGIN PGP MESSAGE-----\n\nEnde";
        byte[] clearsigned = gpg.gpg(text.getBytes(StandardCharsets.UTF_8), "--clearsign", "-u", ALICE).ok().stdout();
        gpg.write("original.asc", clearsigned);
        assertThat(gpg.gpg(null, "--verify", "original.asc").exit()).isZero();

        byte[] message = MailComposer.compose(headers(),
                PgpMimeWriter.inline("Vorwort\n" + new String(clearsigned, StandardCharsets.UTF_8) + "Nachwort\n"));
        PgpStructure.Inline inline = (PgpStructure.Inline) PgpStructure.classify(new MimeParser().parse(message));
        InlinePgp.ClearSigned signed = (InlinePgp.ClearSigned) inline.texts().get(0).segments().get(1);

        assertThat(signed.text()).isEqualTo("Grüße,\n- eine Zeile mit Strich\nFrom the start\n"
                + "-----BEGIN PGP MESSAGE-----\n\nEnde");
        // gpg checks the (text mode) signature over our extraction: the same bytes it hashed when signing
        gpg.write("extracted.data", signed.signedData());
        gpg.write("extracted.asc", signed.signature().bytes());
        Processes.Result verify = gpg.gpg(null, "--status-fd", "2", "--verify", "extracted.asc", "extracted.data");
        assertThat(verify.exit()).as(verify.stderr()).isZero();
        assertThat(verify.stderr()).contains("[GNUPG:] GOODSIG");
    }

    @Test
    void pgpMimeEncryptedDecryptsToTheEntityWithItsProtectedHeaders() throws Exception {
        MessageHeaders headers = headers();
        byte[] entity = MimeEntityBuilder.create().text("Geheim: 42 €").protectedHeaders(headers).build();
        byte[] armored = gpg.gpg(entity, "--armor", "--encrypt", "--sign", "-r", ALICE, "-u", ALICE).ok().stdout();
        byte[] message = MailComposer.compose(headers.withSubject("..."),
                PgpMimeWriter.encrypted(new String(armored, StandardCharsets.US_ASCII)));

        MimePart outer = new MimeParser().parse(message);
        assertThat(Envelope.of(outer).subject()).contains("...");
        PgpStructure.Encrypted encrypted = (PgpStructure.Encrypted) PgpStructure.classify(outer);
        gpg.write("message.asc", encrypted.message().bytes());
        byte[] plaintext = gpg.gpg(null, "--decrypt", "message.asc").ok().stdout();

        assertThat(plaintext).isEqualTo(entity);
        MimePart inner = new MimeParser().parse(plaintext);
        assertThat(Envelope.of(inner).subject()).contains("Signiert: Grüße 👋");
        assertThat(inner.text().text()).isEqualTo("Geheim: 42 €");
    }

    @Test
    void armorWrittenHereIsReadByGpgAndTheReverse() throws Exception {
        byte[] binary = gpg.gpg("data".getBytes(StandardCharsets.US_ASCII), "--detach-sign", "-u", ALICE).ok().stdout();
        String ours = Armor.encode(binary);
        assertThat(ours).startsWith("-----BEGIN PGP SIGNATURE-----\r\n").doesNotContain("Version:");
        gpg.write("data", "data".getBytes(StandardCharsets.US_ASCII));
        gpg.write("data.asc", ours.getBytes(StandardCharsets.US_ASCII));
        assertThat(gpg.gpg(null, "--verify", "data.asc", "data").exit()).isZero();

        byte[] theirs = gpg.gpg(binary, "--enarmor").ok().stdout();
        assertThat(Armor.decode(theirs)).isEqualTo(binary);
    }

    private static byte[] allBytes() {
        byte[] bytes = new byte[1024];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
