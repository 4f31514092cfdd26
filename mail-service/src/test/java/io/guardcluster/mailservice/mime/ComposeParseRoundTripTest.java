package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the builder writes, the parser reads back: headers, bodies, attachments, nesting; and the output is 7-bit. */
class ComposeParseRoundTripTest {

    private final MailComposer composer = new MailComposer("guard.example",
            Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneId.of("Europe/Berlin")));
    private final MimeParser parser = new MimeParser();

    private static final MailAddress ALICE = new MailAddress("Alice Müller-Lüdenscheidt", "alice@example.org");
    private static final MailAddress BOB = new MailAddress("Bob \"the builder\", Jr.", "bob@example.net");
    private static final MailAddress CAROL = MailAddress.of("carol@example.com");
    private static final MailAddress DAVE = new MailAddress("Дмитрий Иванов", "dave@xn--bcher-kva.example");
    private static final MailAddress EVE = new MailAddress("Eve", "eve@example.org");

    @Test
    void envelopeTextHtmlAndAttachmentsSurviveTheRoundTrip() throws Exception {
        String subject = "Grüße aus Köln – ein ziemlich langer Betreff, der über mehrere Zeilen gefaltet werden muss 🎉";
        String text = "Hallo Bob,\n\nschöne Grüße! Eine sehr lange Zeile, die quoted-printable umbrochen werden muss, "
                + "damit keine Zeile länger als 76 Zeichen wird.\nZeile mit Leerzeichen am Ende   \nFrom the start\n"
                + "=?utf-8?q?not_a_word?=\n";
        String html = "<html><body><p>Schöne Grüße</p><p>" + "x".repeat(200) + "</p></body></html>";
        byte[] binary = new byte[4096];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        MessageHeaders headers = composer.headers().from(ALICE).to(BOB, CAROL).cc(DAVE).bcc(EVE)
                .replyTo(CAROL).subject(subject).inReplyTo("parent@example.org", List.of("root@example.org"))
                .header("X-Mailer", "Guard").build();
        byte[] entity = MimeEntityBuilder.create().text(text).html(html)
                .attach(new Attachment("Übersicht März 2024 – sehr langer Dateiname für RFC 2231 Fortsetzungen.pdf",
                        "application/pdf", binary))
                .attach(new Attachment("plain.bin", "application/octet-stream", new byte[0]))
                .build();
        byte[] message = MailComposer.compose(headers, entity);

        assertTransportSafe(message);
        assertThat(ascii(message)).doesNotContain("eve@example.org").contains("MIME-Version: 1.0\r\n");

        MimePart root = parser.parse(message);
        Envelope envelope = Envelope.of(root);
        assertThat(envelope.subject()).contains(subject);
        assertThat(envelope.from()).containsExactly(ALICE);
        assertThat(envelope.to()).containsExactly(BOB, CAROL);
        assertThat(envelope.cc()).containsExactly(DAVE);
        assertThat(envelope.bcc()).isEmpty();
        assertThat(envelope.replyTo()).containsExactly(CAROL);
        assertThat(envelope.messageId()).contains(headers.messageId());
        assertThat(headers.messageId()).matches("[0-9a-f]{32}@guard\\.example");
        assertThat(envelope.date()).contains(OffsetDateTime.parse("2024-05-01T14:00:00+02:00"));
        assertThat(envelope.inReplyTo()).containsExactly("parent@example.org");
        assertThat(envelope.references()).containsExactly("root@example.org", "parent@example.org");
        assertThat(root.header("X-Mailer")).contains("Guard");
        assertThat(headers.recipients()).containsExactly(BOB, CAROL, DAVE, EVE);

        assertThat(root.mimeType()).isEqualTo("multipart/mixed");
        MimePart alternative = root.children().get(0);
        assertThat(alternative.mimeType()).isEqualTo("multipart/alternative");
        assertThat(alternative.children().get(0).text().text()).isEqualTo(LineEndings.crlf(text));
        assertThat(alternative.children().get(0).transferEncoding()).isEqualTo("quoted-printable");
        assertThat(alternative.children().get(1).text().text()).isEqualTo(html);
        MimePart pdf = root.children().get(1);
        assertThat(pdf.fileName()).contains(
                "Übersicht März 2024 – sehr langer Dateiname für RFC 2231 Fortsetzungen.pdf");
        assertThat(pdf.contentType().parameter("name")).isEqualTo(pdf.fileName());
        assertThat(pdf.mimeType()).isEqualTo("application/pdf");
        assertThat(pdf.isAttachment()).isTrue();
        assertThat(pdf.body()).isEqualTo(binary);
        assertThat(root.children().get(2).body()).isEmpty();
        assertThat(root.children().get(2).fileName()).contains("plain.bin");
    }

    static List<String> texts() {
        return List.of("", "x", "no final newline", "ends with newline\n", "crlf\r\nand cr\rmixed\n",
                "trailing tab\t\n", " leading space", "=3D literal equals",
                "a line of exactly seventy-six characters for the quoted-printable encoder xxx", "ä".repeat(100),
                "💡 emoji\n".repeat(30), "From the beginning\nFrom again", ".\n..\n", "-- \n", "x".repeat(75) + " ",
                "y".repeat(74) + "=", "\u0000 nul and \u007f del");
    }

    @ParameterizedTest
    @MethodSource("texts")
    void textBodiesComeBackExactly(String text) throws Exception {
        byte[] entity = MimeEntityBuilder.create().text(text).build();
        assertTransportSafe(entity);
        MimePart part = parser.parse(entity);
        assertThat(part.text().text()).isEqualTo(LineEndings.crlf(text));
        assertThat(part.text().charsetFallback()).isFalse();
    }

    @Test
    void shortAsciiTextStays7bitAndReadable() throws Exception {
        byte[] entity = MimeEntityBuilder.create().text("Hello Bob,\nsee you.\n").build();
        assertThat(ascii(entity)).isEqualTo("Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\nHello Bob,\r\nsee you.\r\n");
    }

    @Test
    void nestedEntitiesAndExtraHeaders() throws Exception {
        byte[] inner = MimeEntityBuilder.create().text("inner text").html("<p>inner</p>").build();
        byte[] entity = MimeEntityBuilder.create().text("outer")
                .part(inner)
                .header(new HeaderField("Autocrypt-Gossip", "addr=x@example.org; keydata=AAAA"))
                .build();
        MimePart root = parser.parse(entity);

        assertThat(root.header("Autocrypt-Gossip")).contains("addr=x@example.org; keydata=AAAA");
        assertThat(root.children()).extracting(MimePart::mimeType)
                .containsExactly("text/plain", "multipart/alternative");
        assertThat(root.children().get(1).rawBytes()).isEqualTo(inner);
        assertThat(root.children().get(1).children().get(1).text().text()).isEqualTo("<p>inner</p>");
    }

    @Test
    void onlyHtmlOnlyAttachmentsAndNothing() throws Exception {
        assertThat(parser.parse(MimeEntityBuilder.create().html("<p>x</p>").build()).mimeType())
                .isEqualTo("text/html");
        MimePart attachmentsOnly = parser.parse(MimeEntityBuilder.create()
                .attach(new Attachment("a.txt", "text/plain", "a".getBytes())).build());
        assertThat(attachmentsOnly.children()).hasSize(1);
        assertThat(attachmentsOnly.children().get(0).isAttachment()).isTrue();
        MimePart empty = parser.parse(MimeEntityBuilder.create().build());
        assertThat(empty.mimeType()).isEqualTo("text/plain");
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void protectedHeadersGoIntoTheEntityAndTheOuterSubjectIsTheCallersChoice() throws Exception {
        MessageHeaders headers = composer.headers().from(ALICE).to(BOB).bcc(EVE).subject("Geheimes Projekt").build();
        byte[] entity = MimeEntityBuilder.create().text("x").protectedHeaders(headers).build();
        MimePart inner = parser.parse(entity);

        assertThat(inner.contentType().parameter("protected-headers")).contains("v1");
        assertThat(Envelope.of(inner).subject()).contains("Geheimes Projekt");
        assertThat(Envelope.of(inner).from()).containsExactly(ALICE);
        assertThat(Envelope.of(inner).bcc()).isEmpty();
        assertThat(Envelope.of(inner).messageId()).contains(headers.messageId());
        // such an entity is the inside of a wrapper, never a message body as it is
        assertThatThrownBy(() -> MailComposer.compose(headers, entity))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("protected headers");

        byte[] outer = MailComposer.compose(headers.withSubject("..."),
                PgpMimeWriter.encrypted("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n"));
        assertThat(Envelope.of(parser.parse(outer)).subject()).contains("...");
    }

    @Test
    void pgpMimeWrappersAreWhatTheClassifierExpects() throws Exception {
        byte[] entity = MimeEntityBuilder.create().text("signed ä").build();
        String signature = "-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQ\n-----END PGP SIGNATURE-----\n";
        MessageHeaders headers = composer.headers().from(ALICE).to(BOB).subject("s").build();
        byte[] signedMessage = MailComposer.compose(headers, PgpMimeWriter.signed(entity, signature, "SHA256"));
        assertTransportSafe(signedMessage);

        PgpStructure.Signed signed = (PgpStructure.Signed) PgpStructure.classify(parser.parse(signedMessage));
        assertThat(signed.signedData()).isEqualTo(entity);
        assertThat(signed.micalg()).isEqualTo("pgp-sha256");
        assertThat(ascii(signed.signature().bytes())).isEqualTo(LineEndings.crlf(signature));
        assertThat(signed.part().contentType().parameter("protocol")).contains("application/pgp-signature");

        byte[] inline = MailComposer.compose(headers, PgpMimeWriter.inline(
                "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n"));
        PgpStructure.Inline found = (PgpStructure.Inline) PgpStructure.classify(parser.parse(inline));
        assertThat(found.texts().get(0).segments()).singleElement().isInstanceOf(InlinePgp.Armored.class);
    }

    @Test
    void wrappersRefuseWhatWouldNotSurviveTransport() {
        String signature = "-----BEGIN PGP SIGNATURE-----\n\nx\n-----END PGP SIGNATURE-----\n";
        assertThatThrownBy(() -> PgpMimeWriter.signed("Content-Type: text/plain\n\nlf only".getBytes(), signature,
                "sha256")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRLF");
        assertThatThrownBy(() -> PgpMimeWriter.signed("Content-Type: text/plain\r\n\r\nä".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), signature, "sha256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7-bit");
        assertThatThrownBy(() -> PgpMimeWriter.signed(MimeEntityBuilder.create().build(),
                "-----BEGIN PGP MESSAGE-----\n", "sha256")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgpMimeWriter.encrypted("not armor")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerInjectionIsRefused() {
        assertThatThrownBy(() -> composer.headers().from(ALICE).header("X-Evil", "a\r\nBcc: eve@example.org").build()
                .extra().forEach(f -> MailComposer.compose(composer.headers().from(ALICE).header(f).build(),
                        MimeEntityBuilder.create().build())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailComposer.compose(composer.headers().from(ALICE).header("X-Evil", "a\nb").build(),
                MimeEntityBuilder.create().build())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailComposer.compose(composer.headers()
                .from(new MailAddress("Eve\r\nBcc: x@y", "eve@example.org")).build(), MimeEntityBuilder.create().build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> composer.headers().from(ALICE).header("Bcc", "x@example.org").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> composer.headers().from(ALICE).messageId("a b@c").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailComposer("not a domain!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void preFoldedHeaderIsWrittenAsItIs() throws Exception {
        String folded = "addr=alice@example.org; keydata=\r\n AAAA\r\n BBBB";
        byte[] message = MailComposer.compose(composer.headers().from(ALICE).header("Autocrypt", folded).build(),
                MimeEntityBuilder.create().build());
        assertThat(ascii(message)).contains("Autocrypt: " + folded + "\r\n");
        assertThat(parser.parse(message).header("Autocrypt")).contains("addr=alice@example.org; keydata= AAAA BBBB");
    }

    /** 7-bit, every line CRLF-terminated, every header line at most 78 characters, body lines at most 998 (ours 76). */
    static void assertTransportSafe(byte[] message) {
        assertThat(LineEndings.isCanonicalCrlf(message)).as("CRLF line endings").isTrue();
        String text = ascii(message);
        assertThat(text.chars().allMatch(c -> c < 0x80)).as("7-bit").isTrue();
        boolean header = true;
        for (String line : text.split("\r\n", -1)) {
            if (line.isEmpty()) {
                header = false;
            }
            assertThat(line.length()).as("line length of: %s", line).isLessThanOrEqualTo(header ? 78 : 76);
            assertThat(line).as("no trailing whitespace").doesNotEndWith(" ").doesNotEndWith("\t");
        }
    }
}
