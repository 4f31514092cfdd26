package io.guardcluster.common.pgp.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * The framing of one OpenPGP packet (RFC 9580 4.2): its tag and body length, read byte by byte so that nothing
 * beyond the header is consumed, with the raw header bytes kept (to pass the packet on unchanged). Both header
 * formats: the OpenPGP one (which gpg writes for most packets) and the legacy one (which gpg 2.2 still writes for
 * session key and compressed packets).
 *
 * @param tag           packet type id
 * @param length        body length in bytes; for a partial length the first part's length; -1 if indeterminate
 * @param partial       the body is in parts (RFC 9580 4.2.1.4), only allowed for data packets
 * @param raw           the header as read
 */
record PacketHeader(int tag, long length, boolean partial, byte[] raw) {

    /** Reads one header; {@code null} if the stream ends before its first byte. */
    static PacketHeader read(InputStream in) throws IOException, MessageFormatException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream(6);
        raw.write(first);
        if ((first & 0x80) == 0) {
            throw new MessageFormatException(Reason.MALFORMED, "not OpenPGP data: invalid packet header");
        }
        if ((first & 0x40) != 0) {
            int tag = first & 0x3F;
            int l1 = next(in, raw);
            if (l1 < 192) {
                return new PacketHeader(tag, l1, false, raw.toByteArray());
            }
            if (l1 < 224) {
                return new PacketHeader(tag, ((l1 - 192) << 8) + next(in, raw) + 192, false, raw.toByteArray());
            }
            if (l1 < 255) {
                return new PacketHeader(tag, 1L << (l1 & 0x1F), true, raw.toByteArray());
            }
            long length = 0;
            for (int i = 0; i < 4; i++) {
                length = (length << 8) | next(in, raw);
            }
            return new PacketHeader(tag, length, false, raw.toByteArray());
        }
        int tag = (first >> 2) & 0x0F;
        int lengthType = first & 0x03;
        if (lengthType == 3) {
            return new PacketHeader(tag, -1, false, raw.toByteArray());
        }
        long length = 0;
        for (int i = 0; i < (1 << lengthType); i++) {
            length = (length << 8) | next(in, raw);
        }
        return new PacketHeader(tag, length, false, raw.toByteArray());
    }

    /** A definite length: neither in parts nor up to the end of the stream. */
    boolean definite() {
        return !partial && length >= 0;
    }

    private static int next(InputStream in, ByteArrayOutputStream raw) throws IOException, MessageFormatException {
        int b = in.read();
        if (b < 0) {
            throw new MessageFormatException(Reason.MALFORMED, "the data ends inside a packet header");
        }
        raw.write(b);
        return b;
    }
}
