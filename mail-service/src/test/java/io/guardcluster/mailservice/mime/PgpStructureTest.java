package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** PGP/MIME that is not built as RFC 3156 says is refused with a clear message; inline PGP is found where it is. */
class PgpStructureTest {

    private static final String ARMOR = "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n";

    private static PgpStructure classify(String message) throws MimeFormatException {
        return PgpStructure.classify(new MimeParser().parse(crlf(message)));
    }

    private static String encrypted(String first, String firstBody, String second) {
        return "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=b\n\n"
                + "--b\nContent-Type: " + first + "\n\n" + firstBody + "\n--b\nContent-Type: " + second + "\n\n" + ARMOR
                + "--b--\n";
    }

    @Test
    void wrongPgpMimeEncryptedStructures() {
        assertThatThrownBy(() -> classify(encrypted("text/plain", "Version: 1", "application/octet-stream")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME encrypted message whose first part is not application/pgp-encrypted");
        assertThatThrownBy(() -> classify(encrypted("application/pgp-encrypted", "Version: 2",
                "application/octet-stream")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME encrypted message of a version other than 1");
        assertThatThrownBy(() -> classify(encrypted("application/pgp-encrypted", "Version: 1", "text/plain")))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME encrypted message whose second part is not application/octet-stream");
        assertThatThrownBy(() -> classify("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";"
                + " boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--b--\n"))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME encrypted message with 1 parts instead of 2");
    }

    @Test
    void encryptedWithAnEmptyControlPartIsAccepted() throws Exception {
        PgpStructure found = classify(encrypted("application/pgp-encrypted", "", "application/octet-stream"));
        assertThat(found).isInstanceOf(PgpStructure.Encrypted.class);
        assertThat(((PgpStructure.Encrypted) found).message().armoredText()).contains(LineEndings.crlf(ARMOR).strip());
    }

    @Test
    void wrongPgpMimeSignedStructures() {
        String head = "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha1; "
                + "boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n";
        assertThatThrownBy(() -> classify(head + "--b\nContent-Type: text/plain\n\nnot a signature\n--b--\n"))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME signed message whose second part is not application/pgp-signature");
        assertThatThrownBy(() -> classify(head + "--b\nContent-Type: application/pgp-signature\n\ns\n--b\n\n3\n--b--\n"))
                .isInstanceOf(MimeFormatException.class)
                .hasMessage("PGP/MIME signed message with 3 parts instead of 2");
    }

    @Test
    void sMimeIsNotPgp() throws Exception {
        PgpStructure found = classify("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
                + "boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b\nContent-Type: application/pkcs7-signature\n\n"
                + "MIAG\n--b--\n");
        assertThat(found).isInstanceOf(PgpStructure.Inline.class);
        assertThat(((PgpStructure.Inline) found).isEmpty()).isTrue();
    }

    @Test
    void inlineBlocksAttachmentsAndHtml() throws Exception {
        PgpStructure.Inline inline = (PgpStructure.Inline) classify("""
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: multipart/alternative; boundary=a

                --a
                Content-Type: text/plain; charset=utf-8

                Key:
                -----BEGIN PGP PUBLIC KEY BLOCK-----

                mDMEZ
                -----END PGP PUBLIC KEY BLOCK-----
                > -----BEGIN PGP MESSAGE-----
                > quoted, not a block
                -----BEGIN PGP MESSAGE-----
                without an end
                --a
                Content-Type: text/html

                <pre>-----BEGIN PGP MESSAGE-----
                -----BEGIN PGP MESSAGE-----
                x
                -----END PGP MESSAGE-----</pre>
                --a--
                --b
                Content-Type: application/octet-stream; name="report.pdf.pgp"
                Content-Transfer-Encoding: base64

                hQEMA1234
                --b
                Content-Type: application/pgp-keys; name="key.asc"

                -----BEGIN PGP PUBLIC KEY BLOCK-----
                --b
                Content-Type: text/plain; name="sig.asc"
                Content-Disposition: attachment; filename="sig.asc"

                -----BEGIN PGP SIGNATURE-----
                --b
                Content-Type: application/octet-stream; name="data.sig"

                binary
                --b
                Content-Type: application/octet-stream; name="other.zip"

                PK
                --b--
                """);

        assertThat(inline.texts()).hasSize(1);
        List<InlinePgp.Segment> segments = inline.texts().get(0).segments();
        assertThat(segments).hasSize(3);
        assertThat(((InlinePgp.Text) segments.get(0)).text()).isEqualTo("Key:\r\n");
        assertThat(((InlinePgp.Armored) segments.get(1)).label()).isEqualTo("PGP PUBLIC KEY BLOCK");
        assertThat(((InlinePgp.Text) segments.get(2)).text()).startsWith("> -----BEGIN PGP MESSAGE-----")
                .contains("without an end");
        assertThat(inline.htmlWithPgp()).extracting(MimePart::mimeType).containsExactly("text/html");
        assertThat(inline.attachments()).extracting(a -> a.part().fileName().orElseThrow() + "=" + a.kind())
                .containsExactly("report.pdf.pgp=ENCRYPTED", "key.asc=KEYS", "sig.asc=SIGNATURE", "data.sig=SIGNATURE");
        assertThat(inline.nested()).isEmpty();
        assertThat(inline.isEmpty()).isFalse();
    }

    @Test
    void cleartextBlockWithForeignArmorHeadersIsNotTakenForSigned() {
        byte[] text = crlf("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nCharset: evil\n\nsigned?\n"
                + "-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----\n");
        List<InlinePgp.Segment> segments = InlinePgp.scan(text, StandardCharsets.UTF_8);
        // the signature block alone is found; the text is not presented as signed
        assertThat(segments).noneMatch(s -> s instanceof InlinePgp.ClearSigned);
    }

    @Test
    void cleartextWithSeveralHashesAndNoFinalNewline() {
        byte[] text = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1, SHA256\nHash: SHA512\n\n- -dash\nline  \n"
                + "-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----").getBytes(StandardCharsets.UTF_8);
        InlinePgp.ClearSigned signed = (InlinePgp.ClearSigned) InlinePgp.scan(text, StandardCharsets.UTF_8).get(0);
        assertThat(signed.hashes()).containsExactly("SHA1", "SHA256", "SHA512");
        assertThat(new String(signed.signedData(), StandardCharsets.UTF_8)).isEqualTo("-dash\r\nline");
        assertThat(signed.text()).isEqualTo("-dash\nline");
    }
}
