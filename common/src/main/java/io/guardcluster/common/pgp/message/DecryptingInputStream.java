package io.guardcluster.common.pgp.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;

import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;

/**
 * The plaintext of a message being decrypted ({@link MessageDecryptor#decrypt}): the content of its literal data
 * packet, streamed.
 * <p>
 * <b>Integrity.</b> Nothing read from this stream is authenticated until it has returned -1 (end of stream): only
 * at the end can the modification detection code (SEIPD v1) or the final authentication tag (v2) be checked, and
 * only then is it checked that nothing follows the encrypted data packet. If the check fails, the read that reaches
 * the end throws {@link MessageIntegrityException} instead of returning -1. A caller streaming plaintext to a client
 * must therefore abort the response on any exception (never finish it as a success), and a caller storing plaintext
 * must discard it. Failures are sticky: every read after one throws again, so no later read can look like a clean
 * end.
 * <p>
 * Not thread-safe. Closing it closes the body stream.
 */
public final class DecryptingInputStream extends InputStream {

    /** Packets skipped around the literal data, at most, and their size: real ones are a few hundred bytes. */
    private static final int MAX_SKIPPED_PACKETS = 64;
    private static final int MAX_SKIPPED_PACKET_BYTES = 64 * 1024;

    /** Opens the decrypted content of the encrypted data packet. */
    @FunctionalInterface
    interface Decryption {
        InputStream open() throws IOException, PGPException;
    }

    private final MessageDecryptor.Source source;
    private final InputStream afterPacket;
    private final InputStream decrypted;
    private final InputStream compressedPacket;
    private final InputStream decompressed;
    private final InputStream content;
    private final LiteralHeader literal;
    private final boolean compressed;
    private final int dataVersion;
    private final long maxCompressionRatio;
    /** Null when the caller does not check signatures (they are skipped). */
    private final InlineSignatures signatures;
    private long plaintextBytes;
    private IOException failure;
    private boolean verified;

    private DecryptingInputStream(MessageDecryptor.Source source, InputStream afterPacket, InputStream decrypted,
            InputStream compressedPacket, InputStream decompressed, InputStream content, LiteralHeader literal,
            boolean compressed, int dataVersion, long maxCompressionRatio, InlineSignatures signatures) {
        this.source = source;
        this.afterPacket = afterPacket;
        this.decrypted = decrypted;
        this.compressedPacket = compressedPacket;
        this.decompressed = decompressed;
        this.content = content;
        this.literal = literal;
        this.compressed = compressed;
        this.dataVersion = dataVersion;
        this.maxCompressionRatio = maxCompressionRatio;
        this.signatures = signatures;
    }

    /**
     * Decrypts up to the literal data: optional marker, padding, one-pass signature and signature packets, optionally
     * a compressed data packet (one level: gpg never nests them, and nesting multiplies the decompression bound), then
     * the literal data packet's header.
     *
     * @param afterPacket the packet stream, positioned after the encrypted data packet once that has been read
     * @param signatures  checks the signatures around the literal data; null skips them
     */
    static DecryptingInputStream open(MessageDecryptor.Source source, Decryption decryption, InputStream afterPacket,
            int dataVersion, long maxCompressionRatio, InlineSignatures signatures) throws IOException {
        try {
            InputStream decrypted = decryption.open();
            Object next = nextContent(decrypted, signatures);
            boolean compressed = false;
            InputStream compressedPacket = null;
            InputStream decompressed = null;
            if (next instanceof PGPCompressedData compressedData) {
                if (maxCompressionRatio == 0) {
                    throw new MessageIntegrityException();
                }
                compressed = true;
                compressedPacket = compressedData.getInputStream();
                decompressed = compressedData.getDataStream();
                next = nextContent(decompressed, signatures);
            }
            if (!(next instanceof PGPLiteralData literalData)) {
                throw new MessageIntegrityException();
            }
            LiteralHeader literal = new LiteralHeader((char) literalData.getFormat(), literalData.getFileName(),
                    Instant.ofEpochMilli(literalData.getModificationTime().getTime()));
            return new DecryptingInputStream(source, afterPacket, decrypted, compressedPacket, decompressed,
                    literalData.getDataStream(), literal, compressed, dataVersion, maxCompressionRatio, signatures);
        } catch (IOException | PGPException | MessageFormatException | RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * The next literal or compressed data packet, streaming. Framed here rather than by BouncyCastle's object
     * factory, which reads whole packets into memory: a sender could make any packet before the literal data
     * gigabytes long. The packets skipped (marker, padding, one-pass signature) are small and bounded.
     */
    private static Object nextContent(InputStream in, InlineSignatures signatures) throws IOException, MessageFormatException {
        for (int skipped = 0; skipped <= MAX_SKIPPED_PACKETS; skipped++) {
            PacketHeader header = PacketHeader.read(in);
            if (header == null) {
                throw new MessageIntegrityException();
            }
            switch (header.tag()) {
                case PacketTags.MARKER, PacketTags.PADDING, PacketTags.ONE_PASS_SIGNATURE, PacketTags.SIGNATURE -> {
                    byte[] body = smallPacketBody(header, in);
                    if (signatures != null && header.tag() != PacketTags.MARKER && header.tag() != PacketTags.PADDING) {
                        signatures.leading(packet(header, body));
                    }
                }
                case PacketTags.LITERAL_DATA -> {
                    return new PGPLiteralData(reread(header, in));
                }
                case PacketTags.COMPRESSED_DATA -> {
                    return new PGPCompressedData(reread(header, in));
                }
                default -> throw new MessageIntegrityException();
            }
        }
        throw new MessageIntegrityException();
    }

    /** The body of a packet that is skipped or checked aside: of definite, bounded length. */
    private static byte[] smallPacketBody(PacketHeader header, InputStream in) throws IOException {
        if (!header.definite() || header.length() > MAX_SKIPPED_PACKET_BYTES) {
            throw new MessageIntegrityException();
        }
        byte[] body = in.readNBytes((int) header.length());
        if (body.length != header.length()) {
            throw new MessageIntegrityException();
        }
        return body;
    }

    private static byte[] packet(PacketHeader header, byte[] body) {
        byte[] raw = header.raw();
        byte[] packet = java.util.Arrays.copyOf(raw, raw.length + body.length);
        System.arraycopy(body, 0, packet, raw.length, body.length);
        return packet;
    }

    /** BouncyCastle's packet stream over the header just read and the rest of the packet. */
    private static BCPGInputStream reread(PacketHeader header, InputStream in) {
        return new BCPGInputStream(new SequenceInputStream(new ByteArrayInputStream(header.raw()), in));
    }

    /** What the literal data packet says; authenticated only once the stream has ended without exception. */
    public LiteralHeader literal() {
        return literal;
    }

    /** Whether the literal data was compressed. */
    public boolean compressed() {
        return compressed;
    }

    /** The encrypted data packet's version: 1 (MDC) or 2 (AEAD). */
    public int dataVersion() {
        return dataVersion;
    }

    /** True once the end was reached and the integrity check passed. */
    public boolean verified() {
        return verified;
    }

    /**
     * The signatures inside the message, checked over its literal data, in the order they appear (one-pass signatures
     * first): only once the stream has ended without exception, and only when decryption was asked to check them
     * ({@link MessageDecryptor#decrypt(InputStream, SessionKey, SignerKeys)}).
     *
     * @throws IllegalStateException before the end, or when signatures were not checked
     */
    public java.util.List<SignatureCheck> signatures() {
        if (!verified || signatures == null) {
            throw new IllegalStateException(signatures == null ? "signatures were not checked"
                    : "signatures are known only once the message has been read to its end");
        }
        return signatures.results();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (verified) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            int n = content.read(b, off, len);
            if (n < 0) {
                finish();
                verified = true;
                return -1;
            }
            plaintextBytes += n;
            if (signatures != null) {
                signatures.update(b, off, n);
            }
            if (compressed && plaintextBytes > MessageDecryptor.COMPRESSION_ALLOWANCE
                    && plaintextBytes / maxCompressionRatio > source.count()) {
                throw new MessageIntegrityException();
            }
            return n;
        } catch (IOException | MessageFormatException | RuntimeException e) {
            failure = translate(e);
            throw failure;
        }
    }

    /**
     * The literal data has ended: reads what follows it to the end of the encrypted content, so that the MDC or the
     * final AEAD tag is checked, and requires the end of the body after the encrypted data packet. After the literal
     * data (and after the compressed data packet holding it) only signature, padding and marker packets may follow
     * (RFC 9580 10.3's grammar; a second literal data packet would make a message that readers show differently).
     */
    private void finish() throws IOException, MessageFormatException {
        if (compressed) {
            trailer(decompressed, signatures);
            // what the decompressor left of its packet (a checksum; for gpg's indeterminate-length packet, all of it)
            byte[] sink = new byte[8192];
            while (compressedPacket.read(sink) >= 0) {
                // authenticated, nothing to interpret
            }
        }
        trailer(decrypted, signatures);
        if (afterPacket.read() >= 0) {
            throw new MessageIntegrityException(); // data after the encrypted data packet
        }
    }

    /**
     * Reads signature, padding and marker packets (bounded) up to the end of {@code in}, passing signatures on to
     * {@code signatures} (if not null); anything else fails.
     */
    private static void trailer(InputStream in, InlineSignatures signatures) throws IOException, MessageFormatException {
        for (int skipped = 0; skipped <= MAX_SKIPPED_PACKETS; skipped++) {
            PacketHeader header = PacketHeader.read(in);
            if (header == null) {
                return;
            }
            int tag = header.tag();
            if (tag != PacketTags.SIGNATURE && tag != PacketTags.PADDING && tag != PacketTags.MARKER) {
                throw new MessageIntegrityException();
            }
            byte[] body = smallPacketBody(header, in);
            if (signatures != null && tag == PacketTags.SIGNATURE) {
                signatures.trailing(packet(header, body));
            }
        }
        throw new MessageIntegrityException();
    }

    /** The body's own read failure unchanged; anything else (BouncyCastle's many exceptions) is the one failure. */
    private static IOException translate(Throwable e) {
        IOException own = MessageDecryptor.Source.failureIn(e);
        if (own != null) {
            return own;
        }
        return e instanceof MessageIntegrityException integrity ? integrity : new MessageIntegrityException();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
