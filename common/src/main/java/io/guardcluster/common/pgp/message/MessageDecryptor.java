package io.guardcluster.common.pgp.message;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Objects;

import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.PGPDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcSessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

/**
 * Decrypts a message body with its session key, streaming, in constant memory; the session key comes from the key
 * service, which decrypts the message's session key packet (the private key never leaves it).
 * <p>
 * Accepts SEIPD v1 (what gpg 2.2 and {@link MessageEncryptor} write; the platform's AES through BouncyCastle's JCE
 * builders, older ciphers through its lightweight engine) and SEIPD v2 (RFC 9580 AEAD: OCB, GCM or EAX, BouncyCastle's lightweight engine, as the JDK has no OCB).
 * Inside: one literal data packet, optionally in a compressed data packet (ZIP, ZLIB, BZip2, as gpg compresses by
 * default), optionally with one-pass signatures or signatures before and signatures after it, which are skipped or,
 * when asked, checked as the data streams ({@link #decrypt(InputStream, SessionKey, SignerKeys)}). Anything else (a second literal data packet, keys, packets of unbounded size
 * around the literal data) fails like damaged data.
 * <p>
 * Integrity: see {@link DecryptingInputStream}. Every failure of decryption or of the structure inside it is the one
 * {@link MessageIntegrityException}; failures of the framing outside (not an encrypted body, no integrity
 * protection) are a {@link MessageFormatException} before anything is decrypted; failures of the body stream itself
 * are its own {@link IOException}s, passed on unchanged.
 * <p>
 * Immutable and thread-safe.
 */
public final class MessageDecryptor {

    /**
     * Default bound on the plaintext of a compressed message, relative to the ciphertext read: Deflate cannot expand
     * beyond ~1032:1, so every ZIP/ZLIB message passes; only BZip2 can go beyond (to millions to one: a
     * "decompression bomb"), and such a message fails like a damaged one.
     */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 1100;

    /** Plaintext always allowed on top of the ratio (tiny inputs compress well). */
    static final long COMPRESSION_ALLOWANCE = 1 << 20;

    private static final MessageDecryptor DEFAULT = new MessageDecryptor(DEFAULT_MAX_COMPRESSION_RATIO);

    private final int maxCompressionRatio;

    private MessageDecryptor(int maxCompressionRatio) {
        this.maxCompressionRatio = maxCompressionRatio;
    }

    public static MessageDecryptor create() {
        return DEFAULT;
    }

    /**
     * A variant with another bound on compressed messages (see {@link #DEFAULT_MAX_COMPRESSION_RATIO}); 0 refuses
     * compressed messages altogether.
     */
    public MessageDecryptor withMaxCompressionRatio(int ratio) {
        if (ratio < 0) {
            throw new IllegalArgumentException("ratio must not be negative");
        }
        return new MessageDecryptor(ratio);
    }

    /**
     * Opens the body for reading: decrypts as far as the literal data packet's header (so {@link
     * DecryptingInputStream#literal()} is known) and returns the plaintext stream. {@code body} starts at the encrypted
     * data packet (what {@link SplitMessage#body()} gives); session key packets before it are skipped, so a whole
     * binary message is fine too. The stream owns {@code body} from here on: closing it closes {@code body}, also if
     * this method fails.
     *
     * @throws MessageFormatException    if {@code body} is not an integrity-protected encrypted data packet
     * @throws MessageIntegrityException if the start cannot be decrypted (wrong session key, damaged data)
     * @throws IOException               if reading {@code body} fails
     */
    public DecryptingInputStream decrypt(InputStream body, SessionKey sessionKey)
            throws IOException, MessageFormatException {
        return decrypt(body, sessionKey, null, false);
    }

    /**
     * {@link #decrypt(InputStream, SessionKey)}, also checking the signatures inside the message (one-pass or
     * before the data) over the literal data as it streams, with the keys {@code signerKeys} knows; the outcome is
     * {@link DecryptingInputStream#signatures()} once the stream has ended.
     */
    public DecryptingInputStream decrypt(InputStream body, SessionKey sessionKey, SignerKeys signerKeys)
            throws IOException, MessageFormatException {
        return decrypt(body, sessionKey, Objects.requireNonNull(signerKeys, "signerKeys"), true);
    }

    private DecryptingInputStream decrypt(InputStream body, SessionKey sessionKey, SignerKeys signerKeys,
            boolean checkSignatures) throws IOException, MessageFormatException {
        Objects.requireNonNull(sessionKey, "sessionKey");
        Source source = new Source(Objects.requireNonNull(body, "body"));
        boolean opened = false;
        try {
            MessageStart.Result start;
            try {
                start = MessageStart.read(source, SplitMessage.DEFAULT_MAX_HEADER_BYTES, false);
            } catch (Source.Failure e) {
                throw e.getCause();
            }
            BCPGInputStream packets = new BCPGInputStream(
                    new SequenceInputStream(new ByteArrayInputStream(start.dataPrefix()), source));
            DecryptingInputStream stream = DecryptingInputStream.open(source, () -> {
                Packet packet = packets.readPacket();
                if (!(packet instanceof SymmetricEncIntegrityPacket seipd)) {
                    throw new IOException("not an encrypted data packet"); // cannot happen after MessageStart
                }
                return seipd.getVersion() == SymmetricEncIntegrityPacket.VERSION_1 ? v1(seipd, sessionKey)
                        : v2(seipd, sessionKey);
            }, packets, start.dataVersion(), maxCompressionRatio,
                    checkSignatures ? new InlineSignatures(signerKeys) : null);
            opened = true;
            return stream;
        } finally {
            if (!opened) {
                source.close();
            }
        }
    }

    /**
     * SEIPD v1: the session key's algorithm in CFB mode, then the MDC check. AES (what gpg 2.2 and we use) through the
     * JCE's multi-block AES; the rest (CAST5, Twofish, Camellia, ... from older or other implementations, which the JDK's providers
     * partly lack) through BouncyCastle's lightweight engine: slower, but rare.
     */
    private static InputStream v1(SymmetricEncIntegrityPacket seipd, SessionKey sessionKey)
            throws IOException, PGPException {
        int algorithm = sessionKey.algorithm();
        if (SessionKey.keyLength(algorithm) != sessionKey.length()) {
            throw new MessageIntegrityException(); // unknown algorithm: v1 does not name it, the key must
        }
        boolean aes = algorithm == SymmetricKeyAlgorithmTags.AES_128 || algorithm == SymmetricKeyAlgorithmTags.AES_192
                || algorithm == SymmetricKeyAlgorithmTags.AES_256;
        byte[] key = sessionKey.keyBytes();
        try {
            PGPSessionKey pgp = sessionKey.toPgp(key);
            PGPDataDecryptorFactory factory = aes ? new JceSessionKeyDataDecryptorFactoryBuilder().build(pgp)
                    : new BcSessionKeyDataDecryptorFactory(pgp);
            PGPDataDecryptor decryptor = factory.createDataDecryptor(true, algorithm, key);
            // AES: the same CFB decryption, many blocks per AES call (see AesCfbDecryptingInputStream); BouncyCastle's
            // decryptor still supplies the MDC's digest.
            InputStream plaintext = aes ? new AesCfbDecryptingInputStream(seipd.getInputStream(), key)
                    : decryptor.getInputStream(seipd.getInputStream());
            return new MdcInputStream(plaintext, decryptor.getIntegrityCalculator(), decryptor.getBlockSize());
        } catch (java.security.GeneralSecurityException e) {
            throw new PGPException("AES is not available", e);
        } finally {
            Arrays.fill(key, (byte) 0); // the cipher holds its own copy
        }
    }

    /** SEIPD v2: the packet names algorithm, AEAD mode and chunk size; BouncyCastle checks every chunk's tag. */
    private static InputStream v2(SymmetricEncIntegrityPacket seipd, SessionKey sessionKey)
            throws IOException, PGPException {
        int algorithm = seipd.getCipherAlgorithm();
        if (sessionKey.algorithm() != SessionKey.ALGORITHM_UNKNOWN && sessionKey.algorithm() != algorithm
                || SessionKey.keyLength(algorithm) != sessionKey.length()) {
            throw new MessageIntegrityException();
        }
        byte[] key = sessionKey.keyBytes();
        try {
            PGPSessionKey pgp = new PGPSessionKey(algorithm, key);
            PGPDataDecryptor decryptor = new BcSessionKeyDataDecryptorFactory(pgp).createDataDecryptor(seipd, pgp);
            return decryptor.getInputStream(seipd.getInputStream());
        } finally {
            Arrays.fill(key, (byte) 0); // the message key is derived (HKDF) when the decryptor is made
        }
    }

    /**
     * The caller's body: counts what is read (for the compression bound) and marks its own read failures, so they
     * are told apart from decryption failures however deep in BouncyCastle they surface.
     */
    static final class Source extends FilterInputStream {

        static final class Failure extends IOException {
            private static final long serialVersionUID = 1L;

            Failure(IOException cause) {
                super("reading the message body failed", cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }

        private long count;

        Source(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = in.read();
                if (b >= 0) {
                    count++;
                }
                return b;
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    count += n;
                }
                return n;
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            return read() < 0 ? 0 : 1;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** The body stream's own failure in {@code t}'s cause chain, if any. */
        static IOException failureIn(Throwable t) {
            for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
                if (t instanceof Failure failure) {
                    return failure.getCause();
                }
            }
            return null;
        }
    }
}
