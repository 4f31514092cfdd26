package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.UnsupportedPacketVersionException;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.util.io.Streams;

import io.guardcluster.keyservice.pgp.PgpInputException.Code;

/**
 * Reads keys a user uploads: ASCII-armored (one or more blocks, text around them is ignored) or binary, one or
 * more transferable public or secret keys (RFC 9580 10.1, 10.2) of any version BouncyCastle parses (v4, v6, and
 * the legacy v3/v5, which {@link KeyPolicy} refuses). Everything else is a {@link PgpInputException} whose code
 * says why; messages never quote the input.
 */
public final class KeyReader {

    private static final Pattern ARMOR_BEGIN = Pattern.compile("-----BEGIN PGP ([A-Z ,/0-9]{1,40})-----");

    private KeyReader() {
    }

    /**
     * @param maxBytes the largest input accepted (before decoding the armor)
     * @return the keys in input order, at least one
     */
    public static List<PGPKeyRing> read(byte[] input, int maxBytes) throws PgpInputException {
        if (input == null || input.length == 0) {
            throw new PgpInputException(Code.EMPTY, "no key data");
        }
        if (input.length > maxBytes) {
            throw new PgpInputException(Code.TOO_LARGE,
                    "key data is " + input.length + " bytes, more than the limit of " + maxBytes);
        }
        int start = 0;
        while (start < input.length && isWhitespace(input[start])) {
            start++;
        }
        if (start == input.length) {
            throw new PgpInputException(Code.EMPTY, "key data is only white space");
        }
        if ((input[start] & 0x80) != 0) {
            return readBinary(input);
        }
        String text = new String(input, StandardCharsets.ISO_8859_1); // one char per byte: offsets stay byte offsets
        if (text.contains("-----BEGIN PGP ")) {
            return readArmored(text, input);
        }
        throw new PgpInputException(Code.MALFORMED, "not an OpenPGP key: neither ASCII armor nor binary OpenPGP data");
    }

    private static List<PGPKeyRing> readArmored(String text, byte[] input) throws PgpInputException {
        List<PGPKeyRing> rings = new ArrayList<>();
        Matcher begin = ARMOR_BEGIN.matcher(text);
        int from = 0;
        int blocks = 0;
        while (begin.find(from)) {
            blocks++;
            String type = begin.group(1);
            String endLine = "-----END PGP " + type + "-----";
            int end = text.indexOf(endLine, begin.end());
            if (!type.equals("PUBLIC KEY BLOCK") && !type.equals("PRIVATE KEY BLOCK")) {
                throw new PgpInputException(Code.NOT_A_KEY, "ASCII armor block " + blocks + " is a PGP "
                        + (type.startsWith("MESSAGE") ? "message" : type.equals("SIGNATURE") ? "signature"
                                : type.equals("SIGNED MESSAGE") ? "signed message" : "\"" + type + "\" block")
                        + ", not a key");
            }
            if (end < 0) {
                throw new PgpInputException(Code.MALFORMED, "ASCII armor block " + blocks + " has no END line (truncated?)");
            }
            int blockEnd = end + endLine.length();
            byte[] binary;
            try (InputStream armor = new ArmoredInputStream(
                    new ByteArrayInputStream(input, begin.start(), blockEnd - begin.start()))) {
                binary = Streams.readAll(armor);
            } catch (IOException | RuntimeException e) {
                throw new PgpInputException(Code.MALFORMED,
                        "ASCII armor block " + blocks + " is damaged (bad base64, line or checksum)", e);
            }
            if (binary.length == 0) {
                throw new PgpInputException(Code.MALFORMED, "ASCII armor block " + blocks + " is empty");
            }
            rings.addAll(readBinary(binary));
            from = blockEnd;
        }
        if (blocks == 0) {
            throw new PgpInputException(Code.MALFORMED, "no complete ASCII armor header found");
        }
        return rings;
    }

    /** Binary transferable keys, one after the other; marker and padding packets are skipped. */
    static List<PGPKeyRing> readBinary(byte[] binary) throws PgpInputException {
        if (binary == null || binary.length == 0) {
            throw new PgpInputException(Code.EMPTY, "no key data");
        }
        if ((binary[0] & 0x80) == 0) {
            throw new PgpInputException(Code.MALFORMED, "not OpenPGP data: the first byte is no packet header");
        }
        List<PGPKeyRing> rings = new ArrayList<>();
        try (BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(binary))) {
            int tag;
            while ((tag = in.skipMarkerAndPaddingPackets()) >= 0) {
                switch (tag) {
                    case PacketTags.PUBLIC_KEY -> rings.add(new PGPPublicKeyRing(in, Bc.FINGERPRINTS));
                    case PacketTags.SECRET_KEY -> rings.add(new PGPSecretKeyRing(in, Bc.FINGERPRINTS));
                    case PacketTags.SIGNATURE, PacketTags.ONE_PASS_SIGNATURE -> {
                        in.readPacket(); // garbage that merely starts like a signature is malformed, not "not a key"
                        throw new PgpInputException(Code.NOT_A_KEY, rings.isEmpty() ? "this is an OpenPGP signature, not a key"
                                : "a signature follows key " + rings.size() + " where a key should start");
                    }
                    case PacketTags.PUBLIC_KEY_ENC_SESSION, PacketTags.SYMMETRIC_KEY_ENC_SESSION,
                            PacketTags.SYMMETRIC_KEY_ENC, PacketTags.SYM_ENC_INTEGRITY_PRO, PacketTags.AEAD_ENC_DATA,
                            PacketTags.COMPRESSED_DATA, PacketTags.LITERAL_DATA -> {
                        in.readPacket();
                        throw new PgpInputException(Code.NOT_A_KEY, rings.isEmpty() ? "this is an OpenPGP message, not a key"
                                : "an OpenPGP message follows key " + rings.size());
                    }
                    default -> throw new PgpInputException(Code.MALFORMED, rings.isEmpty()
                            ? "OpenPGP data does not start with a key (packet type " + tag + ")"
                            : "unexpected packet type " + tag + " after key " + rings.size());
                }
            }
        } catch (PgpInputException e) {
            throw e;
        } catch (UnsupportedPacketVersionException e) {
            throw new PgpInputException(Code.UNSUPPORTED, "unsupported packet version in key " + (rings.size() + 1), e);
        } catch (EOFException e) {
            throw new PgpInputException(Code.MALFORMED, "key " + (rings.size() + 1) + " is truncated", e);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new PgpInputException(Code.MALFORMED, "key " + (rings.size() + 1) + " is malformed", e);
        }
        if (rings.isEmpty()) {
            throw new PgpInputException(Code.NOT_A_KEY, "OpenPGP data holds no key");
        }
        return rings;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF;
    }
}
