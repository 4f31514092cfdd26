package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.parse;
import static io.guardcluster.mailservice.mime.Fixtures.resource;
import static io.guardcluster.mailservice.mime.Fixtures.verifies;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.Test;

/**
 * Messages as Thunderbird (Enigmail), Mutt and K-9 Mail build them, made by make-fixtures.sh with real signatures and
 * ciphertexts from gpg. The signatures are checked with BouncyCastle over exactly the bytes the parser hands out.
 */
class MimeFixturesTest {

    private static final byte[] KEY = resource("fixture-key.asc");

    @Test
    void thunderbirdSignedStoredWithLfVerifiesOverTheCanonicalFirstPart() throws Exception {
        byte[] raw = resource("thunderbird-signed.eml");
        assertThat(Fixtures.ascii(raw)).doesNotContain("\r"); // stored as a Unix mailbox does
        MimePart message = new MimeParser().parse(raw);

        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(message);

        assertThat(signed.micalg()).isEqualTo("pgp-sha256");
        assertThat(signed.hashAlgorithm()).contains("SHA256");
        assertThat(signed.signedData()).isEqualTo(resource("thunderbird-signed.part"));
        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isTrue();

        MimePart content = signed.signedPart();
        assertThat(content.mimeType()).isEqualTo("multipart/mixed");
        assertThat(content.contentType().parameter("protected-headers")).contains("v1");
        assertThat(Envelope.of(content).subject()).contains("Grüße aus Köln");
        assertThat(content.children().get(0).text().text()).contains("schöne Grüße, der Bericht hängt an.");
        MimePart pdf = content.children().get(1);
        assertThat(pdf.fileName()).contains("Bericht Ärzte.pdf"); // RFC 2231 wins over the RFC 2047 name
        assertThat(pdf.isAttachment()).isTrue();
        assertThat(new String(pdf.body(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4");

        Envelope envelope = Envelope.of(message);
        assertThat(envelope.from()).containsExactly(new MailAddress("Alice Fixture", "alice@example.org"));
        assertThat(envelope.to()).containsExactly(new MailAddress("Bob", "bob@example.net"));
        assertThat(envelope.subject()).contains("Grüße aus Köln");
        assertThat(envelope.messageId()).contains("3b1f5c3e-5d6a-4f1e-9a77-2d1e0c8b9a10@example.org");
        assertThat(envelope.date()).hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo("2024-03-12T10:15+01:00"));

        AutocryptHeader autocrypt = AutocryptHeader.fromMessage(message).orElseThrow();
        assertThat(autocrypt.addr()).isEqualTo("alice@example.org");
        assertThat(autocrypt.preferEncrypt()).isFalse();
        PGPPublicKeyRing ring = new PGPPublicKeyRing(autocrypt.keyData(), new BcKeyFingerprintCalculator());
        assertThat(ring.getPublicKey().getUserIDs()).toIterable().containsExactly("Alice Fixture <alice@example.org>");
    }

    @Test
    void muttSignedQuotedPrintableVerifies() throws Exception {
        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(parse("mutt-signed.eml"));

        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isTrue();
        assertThat(signed.signedPart().text().text())
                .isEqualTo("Hi Bob,\r\n\r\nthe build is green again.\r\n\r\n-- \r\nAlice\r\n");
        assertThat(signed.signature().label()).contains("PGP SIGNATURE");
    }

    @Test
    void k9SignedAlternativeVerifies() throws Exception {
        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(parse("k9-signed.eml"));

        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isTrue();
        assertThat(signed.signedPart().mimeType()).isEqualTo("multipart/alternative");
        assertThat(signed.signedPart().children().get(0).text().text()).isEqualTo("Treffen um 15 Uhr? ☕");
        assertThat(Envelope.of(parse("k9-signed.eml")).to()).containsExactly(new MailAddress("Bob B.", "bob@example.net"));
    }

    @Test
    void tamperedSignedContentNoLongerVerifies() throws Exception {
        String message = Fixtures.ascii(resource("mutt-signed.eml")).replace("green again", "green  again");
        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(
                new MimeParser().parse(message.getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isFalse();
    }

    @Test
    void enigmailEncryptedGivesTheArmoredMessage() throws Exception {
        PgpStructure.Encrypted encrypted = (PgpStructure.Encrypted) PgpStructure.classify(
                parse("enigmail-encrypted.eml"));

        assertThat(encrypted.repaired()).isFalse();
        assertThat(encrypted.message().isArmored()).isTrue();
        assertThat(encrypted.message().label()).contains("PGP MESSAGE");
        Object first = new BcPGPObjectFactory(encrypted.message().packets()).nextObject();
        assertThat(first).isInstanceOf(PGPEncryptedDataList.class);
        assertThat(((PGPEncryptedDataList) first).size()).isEqualTo(1);
    }

    @Test
    void exchangeRewrittenEncryptedMessageIsRepaired() throws Exception {
        PgpStructure.Encrypted repaired = (PgpStructure.Encrypted) PgpStructure.classify(
                parse("exchange-encrypted.eml"));
        PgpStructure.Encrypted original = (PgpStructure.Encrypted) PgpStructure.classify(
                parse("enigmail-encrypted.eml"));

        assertThat(repaired.repaired()).isTrue();
        assertThat(repaired.message().packets()).isEqualTo(original.message().packets());
    }

    @Test
    void inlineEncryptedKeepsTheTextAroundTheBlock() throws Exception {
        PgpStructure.Inline inline = (PgpStructure.Inline) PgpStructure.classify(parse("inline-encrypted.eml"));

        assertThat(inline.texts()).hasSize(1);
        List<InlinePgp.Segment> segments = inline.texts().get(0).segments();
        assertThat(segments).hasSize(3);
        assertThat(((InlinePgp.Text) segments.get(0)).text()).isEqualTo("Hi Bob, see below.\r\n\r\n");
        InlinePgp.Armored block = (InlinePgp.Armored) segments.get(1);
        assertThat(block.isMessage()).isTrue();
        assertThat(new BcPGPObjectFactory(block.data().packets()).nextObject()).isInstanceOf(PGPEncryptedDataList.class);
        assertThat(((InlinePgp.Text) segments.get(2)).text()).isEqualTo("\r\n-- \r\nsent from K-9 Mail\r\n");
    }

    @Test
    void cleartextSignedQuotedPrintableVerifiesOverTheExtractedText() throws Exception {
        PgpStructure.Inline inline = (PgpStructure.Inline) PgpStructure.classify(parse("clearsigned-inline.eml"));

        List<InlinePgp.Segment> segments = inline.texts().get(0).segments();
        assertThat(segments).hasSize(3);
        assertThat(((InlinePgp.Text) segments.get(0)).text()).isEqualTo("Vorab, nicht signiert.\r\n\r\n");
        assertThat(((InlinePgp.Text) segments.get(2)).text()).contains("Nachsatz, nicht signiert.");
        InlinePgp.ClearSigned signed = (InlinePgp.ClearSigned) segments.get(1);
        assertThat(signed.hashes()).containsExactly("SHA256");
        assertThat(signed.text()).isEqualTo("Grüße an alle,\n- erste Zeile mit Strich\n"
                + "-----BEGIN PGP MESSAGE----- ist nur Text\nFrom here on: Ende.\n\nletzte Zeile");
        assertThat(signed.signedData()).isEqualTo(rfc9580SignedText(resource("clearsigned.txt")));
        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isTrue();
    }

    @Test
    void mailingListFooterLeavesOnlyTheNestedPartSigned() throws Exception {
        PgpStructure.Inline outer = (PgpStructure.Inline) PgpStructure.classify(parse("list-footer-signed.eml"));

        assertThat(outer.nested()).hasSize(1);
        assertThat(outer.texts()).isEmpty();
        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(outer.nested().get(0));
        assertThat(verifies(signed.signedData(), signed.signature().packets(), KEY)).isTrue();
    }

    /** RFC 9580 7.1, independently: trailing blanks off each line, CRLF between lines, none after the last. */
    static byte[] rfc9580SignedText(byte[] text) {
        String[] lines = new String(text, StandardCharsets.UTF_8).split("\r?\n", -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            out.writeBytes(lines[i].replaceAll("[ \t]+$", "").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
