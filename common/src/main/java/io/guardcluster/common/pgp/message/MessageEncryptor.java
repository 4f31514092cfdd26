package io.guardcluster.common.pgp.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * Encrypts a stream into an OpenPGP message in constant memory, as two parts the caller stores apart: the session key
 * packets (small, returned as {@link EncryptedSessionKeys}) and the body (written to the caller's stream as the
 * plaintext comes).
 * <p>
 * The format is the one every OpenPGP implementation we meet reads, GnuPG 2.2 included (it cannot read RFC 9580's
 * SEIPD v2): a v3 PKESK per recipient, then a SEIPD v1 packet (AES-256 in CFB mode, SHA-1 modification detection
 * code) in partial body lengths, holding an uncompressed binary literal data packet, also in partial lengths.
 * Uncompressed because compression costs far more than the encryption (roughly 10x in throughput) and most files are
 * compressed already; no signature (a file is not a statement of its uploader).
 * <p>
 * Bulk encryption goes through BouncyCastle's JCE builders, so the platform's AES (SunJCE, AES-NI) does the work;
 * BouncyCastle's lightweight engine is about 4x slower. Key encryption (one small operation per recipient) uses the
 * lightweight engine, which needs no JCA provider for X25519 and ECDH. Nothing is registered globally.
 * <p>
 * Immutable and thread-safe; each {@link #encrypt} call makes an independent stream.
 */
public final class MessageEncryptor {

    /** Partial body length chunk: the unit of buffering, twice (literal and encrypted packet) per stream. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 16;

    /** The literal data packet's file name has a one-octet length (RFC 9580 5.9). */
    static final int MAX_FILE_NAME_BYTES = 255;

    private static final int ALGORITHM = SymmetricKeyAlgorithmTags.AES_256;
    private static final MessageEncryptor DEFAULT = new MessageEncryptor(DEFAULT_CHUNK_BYTES, new SecureRandom());

    private final int chunkBytes;
    private final SecureRandom random;

    private MessageEncryptor(int chunkBytes, SecureRandom random) {
        this.chunkBytes = chunkBytes;
        this.random = random;
    }

    public static MessageEncryptor create() {
        return DEFAULT;
    }

    /**
     * A variant with another partial body length chunk size.
     *
     * @param chunkBytes a power of two from 512 (RFC 9580 4.2.1.4: the first part at least 512) to 2^24
     */
    public MessageEncryptor withChunkBytes(int chunkBytes) {
        if (chunkBytes < 512 || chunkBytes > (1 << 24) || Integer.bitCount(chunkBytes) != 1) {
            throw new IllegalArgumentException("chunkBytes must be a power of two from 512 to 2^24");
        }
        return new MessageEncryptor(chunkBytes, random);
    }

    /**
     * Starts a message: writes the start of the body to {@code body} and returns the stream the plaintext goes into.
     * The session key packets and the session key are available at once from the returned stream; the body is
     * complete only when that stream is closed (which does not close {@code body}).
     *
     * @param recipients       encryption (sub)keys, see {@link RecipientKeys#encryptionKey}; at least one
     * @param fileName         the literal data packet's file name; UTF-8, cut to 255 bytes (at a character
     *                         boundary) as the format requires; empty for none
     * @param modificationTime the literal data packet's date (second resolution); {@code null} for none
     * @param body             where the encrypted data packet is written
     * @throws IllegalArgumentException if there is no recipient or a key cannot encrypt
     * @throws IOException              if writing to {@code body} fails
     */
    public EncryptingOutputStream encrypt(Collection<PGPPublicKey> recipients, String fileName, Instant modificationTime,
            OutputStream body) throws IOException {
        return encrypt(recipients, fileName, modificationTime, null, body);
    }

    /**
     * {@link #encrypt(Collection, String, Instant, OutputStream)} of a signed message: {@code signaturePackets} (one
     * or more complete signature packets over the plaintext, e.g. a detached signature from key-service, binary
     * signature type over exactly the bytes written) go inside the encryption before the literal data, the form of
     * signed message RFC 9580 10.3 calls "Signature Packet, OpenPGP Message"; gpg, Sequoia and OpenPGP.js verify it.
     * A one-pass form would need the signature's issuer and hash before the data; this form needs nothing before.
     */
    public EncryptingOutputStream encrypt(Collection<PGPPublicKey> recipients, String fileName, Instant modificationTime,
            byte[] signaturePackets, OutputStream body) throws IOException {
        Objects.requireNonNull(body, "body");
        List<PGPPublicKey> keys = List.copyOf(recipients);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no recipient");
        }
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(new JcePGPDataEncryptorBuilder(ALGORITHM)
                .setWithIntegrityPacket(true).setSecureRandom(random));
        for (PGPPublicKey key : keys) {
            if (!EncryptedSessionKey.encryptionAlgorithm(key.getAlgorithm())) {
                throw new IllegalArgumentException("key " + EncryptedSessionKey.hexKeyId(key.getKeyID())
                        + " cannot encrypt (public key algorithm " + key.getAlgorithm() + ")");
            }
            generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(key).setSecureRandom(random));
        }
        SessionKey[] sessionKey = new SessionKey[1];
        generator.setSessionKeyExtractionCallback(key -> sessionKey[0] = SessionKey.of(key));

        // BouncyCastle writes the session key packets and the start of the encrypted data packet to one stream while
        // it opens; that start is captured and split at the first packet that is not a session key packet.
        Redirect redirect = new Redirect();
        boolean started = false;
        try {
            OutputStream encrypted;
            try {
                encrypted = generator.open(redirect, new byte[chunkBytes]);
            } catch (PGPException e) {
                // Never a key in these messages; the public key ids are in the cause at most.
                throw new IllegalArgumentException("cannot encrypt to the recipient keys", e);
            }
            // Only whole session key packets are taken: of the encrypted data packet BouncyCastle has written its
            // first header byte so far (the partial length follows with the first chunk), which goes to the body.
            byte[] captured = redirect.captured.toByteArray();
            List<EncryptedSessionKey> packets = new ArrayList<>(keys.size());
            int offset = 0;
            try {
                while (offset < captured.length && tag(captured[offset]) == PacketTags.PUBLIC_KEY_ENC_SESSION) {
                    ByteArrayInputStream in = new ByteArrayInputStream(captured, offset, captured.length - offset);
                    EncryptedSessionKey packet = MessageStart.sessionKeyPacket(PacketHeader.read(in), in, Integer.MAX_VALUE);
                    packets.add(packet);
                    offset += packet.encodedLength();
                }
            } catch (MessageFormatException e) {
                throw new IllegalStateException("BouncyCastle wrote an unexpected session key packet", e);
            }
            if (packets.size() != keys.size() || offset >= captured.length
                    || tag(captured[offset]) != PacketTags.SYM_ENC_INTEGRITY_PRO) {
                throw new IllegalStateException("BouncyCastle wrote an unexpected message start");
            }
            body.write(captured, offset, captured.length - offset);
            redirect.target = body;

            if (signaturePackets != null) {
                encrypted.write(signaturePackets);
            }
            OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY,
                    fileName(fileName), modificationTime == null ? PGPLiteralData.NOW : seconds(modificationTime),
                    new byte[chunkBytes]);
            EncryptingOutputStream stream = new EncryptingOutputStream(literal, encrypted, body,
                    EncryptedSessionKeys.of(packets), sessionKey[0]);
            started = true;
            return stream;
        } finally {
            if (!started && sessionKey[0] != null) {
                sessionKey[0].destroy();
            }
        }
    }

    /**
     * The name as UTF-8 of at most 255 bytes, cut before a character that does not fit. Unpaired surrogates become
     * '?' (the JDK's encoder replaces them; BouncyCastle's would throw).
     */
    static String fileName(String name) {
        if (name == null) {
            return "";
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int end = utf8.length;
        if (end > MAX_FILE_NAME_BYTES) {
            end = MAX_FILE_NAME_BYTES;
            while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
                end--; // back to the first byte of the character that does not fit
            }
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    /** The packet type of a packet header's first byte (OpenPGP or legacy format). */
    private static int tag(byte first) {
        return (first & 0x40) != 0 ? first & 0x3F : (first >> 2) & 0x0F;
    }

    private static Date seconds(Instant time) {
        return new Date(time.getEpochSecond() * 1000L);
    }

    /** Captures what is written until {@link #target} is set, then passes it on. */
    private static final class Redirect extends OutputStream {

        final ByteArrayOutputStream captured = new ByteArrayOutputStream(1024);
        OutputStream target;

        @Override
        public void write(int b) throws IOException {
            if (target == null) {
                captured.write(b);
            } else {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (target == null) {
                captured.write(b, off, len);
            } else {
                target.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (target != null) {
                target.flush();
            }
        }

        /** Never closes the caller's stream. */
        @Override
        public void close() {
        }
    }
}
