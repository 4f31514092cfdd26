package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.ascii;
import static io.guardcluster.mailservice.mime.Fixtures.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class MimeParserTest {

    private final MimeParser parser = new MimeParser();

    @Test
    void multipartPartsAreExactRangesOfTheMessage() throws Exception {
        byte[] message = crlf("""
                From: a@example.com
                Content-Type: multipart/mixed; boundary="b1"

                preamble
                --b1
                Content-Type: text/plain; charset=utf-8

                hello
                --b1 \t
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                AAEC
                --b1--
                epilogue
                """);
        MimePart root = parser.parse(message);

        assertThat(root.children()).hasSize(2);
        MimePart text = root.children().get(0);
        assertThat(ascii(text.rawBytes())).isEqualTo("Content-Type: text/plain; charset=utf-8\r\n\r\nhello");
        assertThat(ascii(text.rawHeader())).isEqualTo("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        assertThat(text.text().text()).isEqualTo("hello");
        assertThat(text.depth()).isEqualTo(1);
        assertThat(root.children().get(1).body()).containsExactly(0, 1, 2);
        assertThat(root.isComplete()).isTrue();
        assertThat(root.rawBytes()).isEqualTo(message);
        assertThat(root.stream()).hasSize(3);
    }

    @Test
    void lfOnlyMessageParsesAndCanonicalBytesAreCrlf() throws Exception {
        String lf = "Content-Type: multipart/signed; boundary=x; protocol=\"application/pgp-signature\"\n\n"
                + "--x\nContent-Type: text/plain\n\nline one\nline two\n--x\nContent-Type: application/pgp-signature\n\n"
                + "sig\n--x--\n";
        MimePart root = parser.parse(lf.getBytes(StandardCharsets.US_ASCII));

        MimePart first = root.children().get(0);
        assertThat(ascii(first.rawBytes())).isEqualTo("Content-Type: text/plain\n\nline one\nline two");
        assertThat(ascii(first.canonicalBytes())).isEqualTo("Content-Type: text/plain\r\n\r\nline one\r\nline two");
    }

    @Test
    void canonicalCrlfKeepsCrlfAndConvertsBareLf() {
        assertThat(ascii(LineEndings.canonicalCrlf("a\nb\r\nc\rd\n\n".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("a\r\nb\r\nc\rd\r\n\r\n");
        assertThat(LineEndings.canonicalCrlf(new byte[0])).isEmpty();
        assertThat(ascii(LineEndings.canonicalCrlf("\n".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("\r\n");
    }

    @Test
    void missingCloseDelimiterIsAcceptedAndReported() throws Exception {
        MimePart root = parser.parse(crlf("""
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                first
                --b
                Content-Type: text/plain

                cut off he"""));

        assertThat(root.isComplete()).isFalse();
        assertThat(root.children()).hasSize(2);
        assertThat(root.children().get(1).text().text()).isEqualTo("cut off he");
    }

    @Test
    void nestedMultipartsAndDigestDefaults() throws Exception {
        MimePart root = parser.parse(crlf("""
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary=inner1

                --inner1
                Content-Type: text/plain

                plain
                --inner1
                Content-Type: text/html

                <b>html</b>
                --inner1--

                --outer
                Content-Type: multipart/digest; boundary=d

                --d

                From: x@example.com
                Subject: digested

                body
                --d--
                --outer--
                """));

        MimePart alternative = root.children().get(0);
        assertThat(alternative.children()).extracting(MimePart::mimeType).containsExactly("text/plain", "text/html");
        assertThat(alternative.children().get(1).text().text()).isEqualTo("<b>html</b>");
        MimePart digested = root.children().get(1).children().get(0);
        assertThat(digested.mimeType()).isEqualTo("message/rfc822");
        MimePart inner = parser.parse(digested.body());
        assertThat(inner.decodedHeader("Subject")).contains("digested");
        assertThat(root.children().get(1).children().get(0).depth()).isEqualTo(2);
    }

    @Test
    void transferEncodingsAndCharsets() throws Exception {
        MimePart root = parser.parse(crlf("""
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain; charset=iso-8859-1
                Content-Transfer-Encoding: quoted-printable

                Gr=FC=DFe, soft=
                break
                --b
                Content-Type: text/plain; charset=x-no-such-charset
                Content-Transfer-Encoding: base64

                R3LDvMOfZQ==
                --b
                Content-Type: text/plain; charset=us-ascii
                Content-Transfer-Encoding: 8bit

                Grüße
                --b
                Content-Type: text/plain

                plain ascii
                --b--
                """));

        DecodedText latin = root.children().get(0).text();
        assertThat(latin.text()).isEqualTo("Grüße, softbreak");
        assertThat(latin.charsetFallback()).isFalse();
        DecodedText unknown = root.children().get(1).text();
        assertThat(unknown.text()).isEqualTo("Grüße");
        assertThat(unknown.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(unknown.charsetFallback()).isTrue();
        DecodedText mislabelled = root.children().get(2).text();
        assertThat(mislabelled.text()).isEqualTo("Grüße");
        assertThat(mislabelled.charsetFallback()).isTrue();
        assertThat(root.children().get(3).text().charsetFallback()).isFalse();
        assertThat(root.children().get(1).transferEncoding()).isEqualTo("base64");
        assertThat(root.children().get(3).transferEncoding()).isEqualTo("7bit");
    }

    @Test
    void headersDecodeEncodedWordsRfc2231And8bit() throws Exception {
        byte[] message = crlf("""
                Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= =?UTF-8?B?IGF1cyBLw7Zsbg==?=
                X-Raw: Grüße in raw UTF-8
                Content-Type: application/octet-stream;
                 name="=?UTF-8?B?w4RyenRlLnBkZg==?="
                Content-Disposition: attachment;
                 filename*1*=%20a+b%E2%82%AC.txt; filename*0*=UTF-8''Bericht%20%C3%84;
                 filename="fallback.txt"
                Content-ID: <part1@example.org>

                x""");
        MimePart part = parser.parse(message);

        assertThat(part.decodedHeader("subject")).contains("Grüße aus Köln");
        assertThat(part.header("X-Raw")).contains("Grüße in raw UTF-8");
        assertThat(part.fileName()).contains("Bericht Ä a+b€.txt");
        assertThat(part.contentType().parameter("NAME")).contains("Ärzte.pdf");
        assertThat(part.disposition()).hasValueSatisfying(d -> assertThat(d.isAttachment()).isTrue());
        assertThat(part.contentId()).contains("part1@example.org");
        assertThat(part.isAttachment()).isTrue();
        assertThat(part.headers()).extracting(HeaderField::name)
                .containsExactly("Subject", "X-Raw", "Content-Type", "Content-Disposition", "Content-ID");
    }

    @Test
    void headerOnlyMessageHasAnEmptyBody() throws Exception {
        MimePart part = parser.parse("Subject: nothing else".getBytes(StandardCharsets.US_ASCII));
        assertThat(part.body()).isEmpty();
        assertThat(part.mimeType()).isEqualTo("text/plain");
        assertThat(part.decodedHeader("Subject")).contains("nothing else");
    }

    @Test
    void longBodyLinesAreNotHeaderLines() throws Exception {
        byte[] data = new byte[3 << 20];
        Arrays.fill(data, (byte) 7);
        String base64 = java.util.Base64.getEncoder().encodeToString(data); // one 4 MiB line
        MimePart part = parser.parse(crlf("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
                + base64 + "\n"));
        assertThat(part.body()).isEqualTo(data);
    }

    @Test
    void inputStreamIsReadUpToTheLimit() throws Exception {
        MimeParser small = new MimeParser(MimeLimits.DEFAULT.withMaxTotalSize(100));
        assertThat(small.parse(new ByteArrayInputStream(crlf("Subject: x\n\nbody"))).body()).isNotEmpty();
        assertThatThrownBy(() -> small.parse(new ByteArrayInputStream(new byte[101])))
                .isInstanceOf(MimeFormatException.class).hasMessage("the message is larger than 100 bytes");
        assertThatThrownBy(() -> small.parse(new byte[101]))
                .isInstanceOf(MimeFormatException.class).hasMessage("the message is larger than 100 bytes");
    }

    @Test
    void partsAreImmutableViews() throws Exception {
        byte[] message = crlf("Content-Type: text/plain\n\nhello");
        MimePart part = parser.parse(message);
        Arrays.fill(message, (byte) 'X');
        part.rawBytes()[0] = 'Y';
        assertThat(part.text().text()).isEqualTo("hello");
        assertThat(ascii(part.rawBytes())).startsWith("Content-Type");
    }

    // --- malformed and hostile input: a MimeFormatException that says what is wrong, never the content ---

    @Test
    void emptyMessage() {
        assertThatThrownBy(() -> parser.parse(new byte[0])).isInstanceOf(MimeFormatException.class)
                .hasMessage("the message is empty");
    }

    @Test
    void truncatedInTheHeaderOfAMultipart() {
        assertThatThrownBy(() -> parser.parse(crlf("From: secret@example.com\nContent-Type: multipart/mixed; "
                + "boundary=b\nSubject: Secret sub")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("a multipart/mixed body does not contain its boundary")
                .message().doesNotContain("secret", "Secret");
    }

    @Test
    void multipartWithoutBoundary() {
        assertThatThrownBy(() -> parser.parse(crlf("Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("a multipart/mixed entity has no boundary parameter");
    }

    @Test
    void garbageBoundaries() {
        assertThatThrownBy(() -> parser.parse(("Content-Type: multipart/mixed; boundary=\"ä\u0001\"\r\n\r\n--ä\u0001\r\n"
                + "\r\nx\r\n").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("a multipart boundary contains a character outside printable ASCII");
        assertThatThrownBy(() -> parser.parse(crlf("Content-Type: multipart/mixed; boundary=" + "b".repeat(300)
                + "\n\n--" + "b".repeat(300) + "\n\nx\n")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("a multipart boundary is empty or longer than 200 characters");
        assertThatThrownBy(() -> parser.parse(crlf("Content-Type: multipart/mixed; boundary=\"\"\n\nx\n")))
                .isInstanceOf(MimeFormatException.class);
    }

    @Test
    void nestedBoundaryThatCollidesWithTheEnclosingOne() {
        assertThatThrownBy(() -> parser.parse(crlf("""
                Content-Type: multipart/mixed; boundary=abc

                --abc
                Content-Type: multipart/mixed; boundary=abcd

                --abcd
                Content-Type: text/plain

                x
                --abcd--
                --abc--
                """)))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("a nested multipart's boundary collides with an enclosing boundary");
    }

    @Test
    void twoContentTypeFieldsAreAmbiguous() {
        assertThatThrownBy(() -> parser.parse(crlf("Content-Type: text/plain\nContent-Type: text/html\n\nx")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("an entity has more than one Content-Type field");
        assertThatThrownBy(() -> parser.parse(crlf(
                "Content-Transfer-Encoding: base64\nContent-Transfer-Encoding: 7bit\n\nx")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("an entity has more than one Content-Transfer-Encoding field");
    }

    @Test
    void nestingBombStopsAtTheDepthLimit() {
        StringBuilder bomb = new StringBuilder();
        int levels = 5000;
        for (int i = 0; i < levels; i++) {
            bomb.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("x\"\r\n\r\n--b").append(i)
                    .append("x\r\n");
        }
        byte[] message = bomb.toString().getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(message))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("multiparts nest deeper than 16 levels");
    }

    @Test
    void partBombStopsAtThePartLimit() {
        StringBuilder bomb = new StringBuilder("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 5000; i++) {
            bomb.append("--b\r\n\r\nx\r\n");
        }
        assertThatThrownBy(() -> parser.parse(bomb.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("the message has more than 1000 MIME parts");
    }

    @Test
    void hugeHeaderIsRefusedWithoutReadingItIntoMemory() {
        byte[] line = ("X-Big: " + "a".repeat(10 << 20) + "\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(line))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("an entity's header is larger than 262144 bytes");
        byte[] folded = ("X-Big: a" + "\r\n a".repeat(200_000) + "\r\n\r\nbody").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(folded))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("an entity's header is larger than 262144 bytes");
        byte[] many = ("X-A: 1\r\n".repeat(40_000) + "\r\nbody").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(many))
                .isInstanceOf(MimeFormatException.class)
                .hasMessageContaining("header");
        byte[] invalidLines = ("garbage line without colon\r\n".repeat(20_000) + "\r\nbody")
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(invalidLines))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("an entity has more than 5000 header fields (or lines that are not fields)");
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> new MimeLimits(0, 1, 1, 100)).isInstanceOf(IllegalArgumentException.class);
        MimeParser shallow = new MimeParser(MimeLimits.DEFAULT.withMaxDepth(0).withMaxParts(2).withMaxHeaderBytes(64));
        assertThatThrownBy(() -> shallow.parse(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n")))
                .isInstanceOf(MimeFormatException.class).hasMessage("multiparts nest deeper than 0 levels");
    }
}
