package io.guardcluster.mailservice.mime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.ArmoredOutputStream;

/**
 * OpenPGP ASCII armor (RFC 9580 section 6) over BouncyCastle's armor streams.
 * <p>
 * Reading accepts armor with a CRC-24 checksum (RFC 4880) and without (RFC 9580 generators omit it), and refuses a
 * wrong checksum, a cleartext-signed block (that is {@link InlinePgp}'s), and a block without its END line. Writing
 * gives CRLF line endings (mail's canonical form), 64 characters a line, a checksum (GnuPG 2.2 and older readers expect
 * one), and no Version header (it only tells an attacker which library made the message).
 */
public final class Armor {

    private Armor() {
    }

    /** The binary packets of the first armored block in {@code armored} (text before the BEGIN line is skipped). */
    public static byte[] decode(byte[] armored) throws MimeFormatException {
        // BC reads a block cut before its END line as complete: a truncated message must not pass for a whole one
        Optional<String> label = label(armored);
        if (label.filter("PGP SIGNED MESSAGE"::equals).isPresent()) {
            throw new MimeFormatException("a cleartext-signed block is not an armored OpenPGP block");
        }
        if (label.isPresent() && MimeParser.indexOf(armored, ("-----END " + label.get() + "-----")
                .getBytes(StandardCharsets.US_ASCII), 0, armored.length) < 0) {
            throw new MimeFormatException("an armored OpenPGP block has no END line");
        }
        try (ArmoredInputStream in = ArmoredInputStream.builder().build(new ByteArrayInputStream(armored))) {
            if (in.isClearText()) {
                throw new MimeFormatException("a cleartext-signed block is not an armored OpenPGP block");
            }
            byte[] data = in.readAllBytes();
            if (data.length == 0) {
                throw new MimeFormatException("an armored OpenPGP block is empty");
            }
            return data;
        } catch (IOException e) {
            // BC's messages name the fault (bad checksum, malformed line), never the data
            throw new MimeFormatException("the ASCII armor cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@link #decode(byte[])} of a string (armor is ASCII). */
    public static byte[] decode(String armored) throws MimeFormatException {
        return decode(armored.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Armors binary OpenPGP packets. The label (PGP MESSAGE, PGP SIGNATURE, PGP PUBLIC KEY BLOCK, ...) follows the first
     * packet, as RFC 9580 section 6.2 asks. Ends with a line break.
     */
    public static String encode(byte[] packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(packets.length * 4 / 3 + 128);
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().enableCRC(true).build(out)) {
            armor.write(packets);
        } catch (IOException e) {
            throw new UncheckedIOException("armoring into memory cannot fail", e);
        }
        return LineEndings.crlf(out.toString(StandardCharsets.US_ASCII));
    }

    /** The label of the first BEGIN line ("PGP MESSAGE", "PGP SIGNATURE", ...), if there is one. */
    public static Optional<String> label(byte[] text) {
        String s = new String(text, 0, Math.min(text.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        int begin = s.indexOf("-----BEGIN ");
        if (begin < 0 || begin > 0 && s.charAt(begin - 1) != '\n') {
            return Optional.empty();
        }
        int close = s.indexOf("-----", begin + 11);
        return close < 0 ? Optional.empty() : Optional.of(s.substring(begin + 11, close));
    }
}
