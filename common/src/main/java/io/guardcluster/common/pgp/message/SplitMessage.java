package io.guardcluster.common.pgp.message;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.bcpg.ArmoredInputException;
import org.bouncycastle.bcpg.ArmoredInputStream;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * An encrypted OpenPGP message (binary or ASCII-armored) split into the two parts we store apart: its session key
 * packets, and its body (the encrypted data packet, streamed, never buffered). Reading the start is bounded, so a
 * client cannot make us buffer an endless "header".
 * <p>
 * Refused with a {@link MessageFormatException} before anything is decrypted: data that is not OpenPGP, OpenPGP that
 * is not an encrypted message (literal, signed, compressed, keys), a message encrypted without integrity protection
 * (Symmetrically Encrypted Data, packet type 9), LibrePGP's OCB packet, a message without session key packet, and
 * session key packets beyond the bound.
 */
public final class SplitMessage {

    /** Default bound for the bytes before the encrypted data: ~400 RSA-4096 recipients. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 256 * 1024;

    /** Whitespace allowed before an armor header line. */
    private static final int MAX_LEADING_WHITESPACE = 1024;
    private static final byte[] ARMOR_MESSAGE = "-----BEGIN PGP MESSAGE-----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARMOR_OTHER = "-----BEGIN PGP ".getBytes(StandardCharsets.US_ASCII);

    private final EncryptedSessionKeys sessionKeys;
    private final int dataVersion;
    private final boolean armored;
    private final InputStream body;

    private SplitMessage(EncryptedSessionKeys sessionKeys, int dataVersion, boolean armored, InputStream body) {
        this.sessionKeys = sessionKeys;
        this.dataVersion = dataVersion;
        this.armored = armored;
        this.body = body;
    }

    /** {@link #read(InputStream, int)} with {@link #DEFAULT_MAX_HEADER_BYTES}. */
    public static SplitMessage read(InputStream message) throws IOException, MessageFormatException {
        return read(message, DEFAULT_MAX_HEADER_BYTES);
    }

    /**
     * Reads the start of {@code message}, up to its encrypted data packet.
     *
     * @param maxHeaderBytes bound on the (decoded) bytes before the encrypted data; for armored input the armor may
     *                       take about twice as many
     * @throws MessageFormatException if the message is refused (see the class comment)
     * @throws IOException            if reading {@code message} fails
     */
    public static SplitMessage read(InputStream message, int maxHeaderBytes) throws IOException, MessageFormatException {
        if (maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive");
        }
        BufferedInputStream buffered = new BufferedInputStream(message, 8192);
        int leadingWhitespace = armorStart(buffered);
        boolean armored = leadingWhitespace >= 0;
        InputStream binary = buffered;
        Budget rawBudget = null;
        try {
            if (armored) {
                // The armor's own lines (header, base64) are bounded too: generously, as base64 takes 4/3 and the
                // armor headers are not part of the decoded bytes.
                buffered.skipNBytes(leadingWhitespace); // BouncyCastle wants the armor header at a line start
                rawBudget = new Budget(buffered, 2L * maxHeaderBytes + 16 * 1024);
                binary = new ArmoredInputStream(rawBudget);
            }
            MessageStart.Result start = MessageStart.read(binary, maxHeaderBytes, true);
            if (rawBudget != null) {
                rawBudget.release();
            }
            InputStream body = new SequenceInputStream(new ByteArrayInputStream(start.dataPrefix()), binary);
            return new SplitMessage(EncryptedSessionKeys.of(start.sessionKeys()), start.dataVersion(), armored, body);
        } catch (Budget.Exceeded e) {
            throw new MessageFormatException(Reason.TOO_LARGE, "the message's ASCII armor before the encrypted data "
                    + "exceeds the bound of " + (2L * maxHeaderBytes + 16 * 1024) + " bytes");
        } catch (ArmoredInputException e) {
            throw new MessageFormatException(Reason.MALFORMED, "broken ASCII armor", e);
        }
    }

    /**
     * Binary OpenPGP (-1), an armored message (the number of whitespace bytes before its header line), something else
     * armored or neither (refused); leaves the stream where it was.
     */
    private static int armorStart(BufferedInputStream in) throws IOException, MessageFormatException {
        in.mark(MAX_LEADING_WHITESPACE + ARMOR_MESSAGE.length);
        try {
            int first = in.read();
            if (first < 0) {
                throw new MessageFormatException(Reason.MALFORMED, "the message is empty");
            }
            if ((first & 0x80) != 0) {
                return -1; // a packet header: binary OpenPGP
            }
            int b = first;
            int skipped = 0;
            while (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                if (++skipped > MAX_LEADING_WHITESPACE || (b = in.read()) < 0) {
                    throw new MessageFormatException(Reason.MALFORMED, "neither binary OpenPGP nor ASCII armor");
                }
            }
            byte[] line = new byte[ARMOR_MESSAGE.length];
            line[0] = (byte) b;
            int n = 1 + in.readNBytes(line, 1, line.length - 1);
            if (n == line.length && java.util.Arrays.equals(line, ARMOR_MESSAGE)) {
                return skipped;
            }
            if (n >= ARMOR_OTHER.length && java.util.Arrays.equals(line, 0, ARMOR_OTHER.length, ARMOR_OTHER, 0, ARMOR_OTHER.length)) {
                throw new MessageFormatException(Reason.NOT_ENCRYPTED, "ASCII-armored OpenPGP, but not an encrypted message");
            }
            throw new MessageFormatException(Reason.MALFORMED, "neither binary OpenPGP nor ASCII armor");
        } finally {
            in.reset();
        }
    }

    /** The session key packets, in order. */
    public EncryptedSessionKeys sessionKeys() {
        return sessionKeys;
    }

    /** The version of the encrypted data packet (SEIPD): 1 (what gpg 2.2 and we write) or 2 (RFC 9580 AEAD). */
    public int dataVersion() {
        return dataVersion;
    }

    /** Whether the message was ASCII-armored ({@link #body()} is binary either way). */
    public boolean armored() {
        return armored;
    }

    /**
     * The body, binary: the encrypted data packet from its first byte to the end of the message; to store, or to
     * give to {@link MessageDecryptor#decrypt}. Closing it closes the message stream. For armored input the armor's
     * checksum and end line are checked as it is read (an {@link IOException} if broken).
     */
    public InputStream body() {
        return body;
    }

    /** Counts the bytes read through it and fails past a limit until {@link #release()}d. */
    static final class Budget extends FilterInputStream {

        /** Signals the exceeded limit through the streams that read from this one. */
        static final class Exceeded extends IOException {
            private static final long serialVersionUID = 1L;

            Exceeded() {
                super("read limit exceeded");
            }
        }

        private long remaining;

        Budget(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        void release() {
            remaining = Long.MAX_VALUE;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                throw new Exceeded();
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                throw new Exceeded();
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return read() < 0 ? 0 : 1; // rarely used; keeps the count exact
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
