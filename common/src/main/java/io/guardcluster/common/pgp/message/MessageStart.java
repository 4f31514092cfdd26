package io.guardcluster.common.pgp.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.bcpg.PacketTags;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * Reads the unencrypted start of a binary message: the session key packets, then the header and version of the
 * encrypted data packet, and nothing more. Everything is refused here that must never reach decryption: data that is
 * not an encrypted message, encryption without integrity protection, absurdly many or large session key packets.
 */
final class MessageStart {

    /**
     * @param sessionKeys the session key packets, in order (marker and padding packets dropped)
     * @param dataPrefix  the bytes read of the encrypted data packet: its header and version octet; the packet goes on
     *                    in the stream
     * @param dataVersion the SEIPD version, 1 or 2
     */
    record Result(List<EncryptedSessionKey> sessionKeys, byte[] dataPrefix, int dataVersion) {
    }

    private MessageStart() {
    }

    static Result read(InputStream in, long maxBytes, boolean requireSessionKeys) throws IOException, MessageFormatException {
        List<EncryptedSessionKey> sessionKeys = new ArrayList<>();
        long used = 0;
        while (true) {
            PacketHeader header = PacketHeader.read(in);
            if (header == null) {
                throw new MessageFormatException(Reason.MALFORMED, used == 0 ? "the message is empty"
                        : "the message ends before its encrypted data");
            }
            used += header.raw().length;
            if (used > maxBytes) {
                throw tooLarge(maxBytes);
            }
            switch (header.tag()) {
                case PacketTags.PUBLIC_KEY_ENC_SESSION, PacketTags.SYMMETRIC_KEY_ENC_SESSION, PacketTags.MARKER,
                        PacketTags.PADDING -> {
                    if (sessionKeys.size() == EncryptedSessionKeys.MAX_PACKETS) {
                        throw new MessageFormatException(Reason.TOO_LARGE,
                                "more than " + EncryptedSessionKeys.MAX_PACKETS + " session key packets");
                    }
                    EncryptedSessionKey packet = sessionKeyPacket(header, in, maxBytes - used);
                    used += header.length();
                    if (packet != null) {
                        sessionKeys.add(packet);
                    }
                }
                case PacketTags.SYM_ENC_INTEGRITY_PRO -> {
                    int version = in.read();
                    if (version < 0) {
                        throw new MessageFormatException(Reason.MALFORMED, "the message ends in its encrypted data header");
                    }
                    if (version != 1 && version != 2) {
                        throw new MessageFormatException(Reason.UNSUPPORTED, "encrypted data packet version " + version);
                    }
                    if (requireSessionKeys && sessionKeys.isEmpty()) {
                        throw new MessageFormatException(Reason.MALFORMED,
                                "the message has no session key packet: nobody can decrypt it");
                    }
                    ByteArrayOutputStream prefix = new ByteArrayOutputStream(header.raw().length + 1);
                    prefix.writeBytes(header.raw());
                    prefix.write(version);
                    return new Result(List.copyOf(sessionKeys), prefix.toByteArray(), version);
                }
                case PacketTags.SYMMETRIC_KEY_ENC -> throw new MessageFormatException(Reason.NOT_INTEGRITY_PROTECTED,
                        "the message is encrypted without integrity protection (Symmetrically Encrypted Data packet), "
                                + "so modifications could not be detected; it is refused");
                case 20 -> throw new MessageFormatException(Reason.UNSUPPORTED,
                        "the message uses LibrePGP's OCB Encrypted Data packet, which is not OpenPGP (RFC 9580)");
                case PacketTags.SIGNATURE, PacketTags.ONE_PASS_SIGNATURE, PacketTags.COMPRESSED_DATA,
                        PacketTags.LITERAL_DATA, PacketTags.PUBLIC_KEY, PacketTags.SECRET_KEY, PacketTags.PUBLIC_SUBKEY,
                        PacketTags.SECRET_SUBKEY, PacketTags.USER_ID, PacketTags.USER_ATTRIBUTE, PacketTags.TRUST ->
                        throw new MessageFormatException(Reason.NOT_ENCRYPTED,
                                "the data is OpenPGP but not an encrypted message (starts with packet type " + header.tag() + ")");
                default -> throw new MessageFormatException(Reason.MALFORMED,
                        "unexpected packet type " + header.tag() + " before the encrypted data");
            }
        }
    }

    /**
     * Reads the body of a PKESK or SKESK packet (returned parsed) or of a marker or padding packet (skipped:
     * {@code null}); {@code budget} bytes at most.
     */
    static EncryptedSessionKey sessionKeyPacket(PacketHeader header, InputStream in, long budget)
            throws IOException, MessageFormatException {
        int tag = header.tag();
        if (tag != PacketTags.PUBLIC_KEY_ENC_SESSION && tag != PacketTags.SYMMETRIC_KEY_ENC_SESSION
                && tag != PacketTags.MARKER && tag != PacketTags.PADDING) {
            throw new MessageFormatException(Reason.MALFORMED, "packet type " + tag + " among the session key packets");
        }
        if (!header.definite()) {
            throw new MessageFormatException(Reason.MALFORMED, "a session key packet (type " + tag
                    + ") without a definite length");
        }
        if (header.length() > budget) {
            throw tooLarge(budget);
        }
        byte[] packet = new byte[header.raw().length + (int) header.length()];
        System.arraycopy(header.raw(), 0, packet, 0, header.raw().length);
        int read = in.readNBytes(packet, header.raw().length, (int) header.length());
        if (read != header.length()) {
            throw new MessageFormatException(Reason.MALFORMED, "the message ends inside a session key packet");
        }
        if (tag == PacketTags.MARKER || tag == PacketTags.PADDING) {
            return null;
        }
        return EncryptedSessionKey.parse(header, packet, header.raw().length);
    }

    private static MessageFormatException tooLarge(long maxBytes) {
        return new MessageFormatException(Reason.TOO_LARGE,
                "the session key packets exceed the bound of " + maxBytes + " bytes");
    }
}
