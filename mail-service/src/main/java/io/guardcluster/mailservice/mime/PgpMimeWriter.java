package io.guardcluster.mailservice.mime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The RFC 3156 wrappers, as entities to hand to {@link MailComposer#compose}: multipart/signed around signed content,
 * multipart/encrypted around an armored message, and inline PGP (text/plain whose body is an armored or cleartext-signed
 * block). The wrappers write the given content byte for byte between their delimiters.
 * <p>
 * Sign-then-encrypt as separate layers works by nesting: {@code encrypted(encrypt(signed(entity, sign(entity))))}.
 */
public final class PgpMimeWriter {

    static final String SIGNED_PREAMBLE = "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)";
    static final String ENCRYPTED_PREAMBLE = "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)";

    private PgpMimeWriter() {
    }

    /**
     * multipart/signed; micalg=pgp-HASH; protocol="application/pgp-signature".
     *
     * @param signedEntity  the entity that was signed, exactly the bytes the signature was computed over (e.g.
     *                      {@link MimeEntityBuilder#build()}); must be 7-bit with CRLF line endings, as RFC 3156 requires
     *                      of signed content, or it might not arrive as signed
     * @param armoredSignature the detached signature, "-----BEGIN PGP SIGNATURE-----" ...
     * @param hashAlgorithm the signature's hash ("SHA256", "sha512", or already "pgp-sha256")
     */
    public static byte[] signed(byte[] signedEntity, String armoredSignature, String hashAlgorithm) {
        if (!LineEndings.isCanonicalCrlf(signedEntity) || !Charsets.isAscii(signedEntity, 0, signedEntity.length)) {
            throw new IllegalArgumentException("signed content must be 7-bit with CRLF line endings (RFC 3156 5)");
        }
        String micalg = hashAlgorithm.strip().toLowerCase(Locale.ROOT);
        micalg = micalg.startsWith("pgp-") ? micalg : "pgp-" + micalg;
        if (!micalg.matches("pgp-[a-z0-9-]+")) {
            throw new IllegalArgumentException("not a hash algorithm name");
        }
        byte[] signature = MimeEntityBuilder.textLeafRaw("application/pgp-signature",
                List.<String[]>of(new String[] {"name", "signature.asc"}),
                List.of("Content-Description: OpenPGP digital signature\r\n",
                        "Content-Disposition: attachment; filename=\"signature.asc\"\r\n"),
                armor(armoredSignature, "PGP SIGNATURE"));
        return Multipart.write("signed", List.of(new String[] {"micalg", micalg},
                new String[] {"protocol", "application/pgp-signature"}), List.of(), SIGNED_PREAMBLE,
                List.of(signedEntity, signature));
    }

    /** multipart/encrypted; protocol="application/pgp-encrypted" around an armored OpenPGP message. */
    public static byte[] encrypted(String armoredMessage) {
        byte[] control = MimeEntityBuilder.textLeafRaw("application/pgp-encrypted", List.of(),
                List.of("Content-Description: PGP/MIME version identification\r\n"),
                "Version: 1\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] message = MimeEntityBuilder.textLeafRaw("application/octet-stream",
                List.<String[]>of(new String[] {"name", "encrypted.asc"}),
                List.of("Content-Description: OpenPGP encrypted message\r\n",
                        "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n"),
                armor(armoredMessage, "PGP MESSAGE"));
        return Multipart.write("encrypted", List.<String[]>of(new String[] {"protocol", "application/pgp-encrypted"}),
                List.of(), ENCRYPTED_PREAMBLE, List.of(control, message));
    }

    /**
     * Inline PGP: text/plain (UTF-8) whose body is the given text, e.g. an armored message or a cleartext-signed block
     * (whose signed text may be non-ASCII: it is then quoted-printable, which gives the bytes back exactly).
     */
    public static byte[] inline(String armoredText) {
        return MimeEntityBuilder.textLeaf("plain", armoredText, List.of(), List.of());
    }

    /** Checks the armor's label and makes its line endings CRLF (armor is line-oriented; the data is unaffected). */
    private static byte[] armor(String armored, String label) {
        if (!HeaderEncoder.isPlain(armored.replace("\r", "").replace("\n", ""))) {
            throw new IllegalArgumentException("armored OpenPGP data is ASCII");
        }
        String text = LineEndings.crlf(armored.strip()) + "\r\n";
        if (!text.startsWith("-----BEGIN " + label + "-----\r\n")) {
            throw new IllegalArgumentException("expected an armored " + label);
        }
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
