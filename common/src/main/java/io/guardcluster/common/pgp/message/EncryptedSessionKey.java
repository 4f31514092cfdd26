package io.guardcluster.common.pgp.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.bcpg.ContainedPacket;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

import io.guardcluster.common.pgp.message.MessageFormatException.Reason;

/**
 * One encrypted session key packet of a message, as stored: the packet bytes exactly as they were read or made,
 * plus what the framing says about its recipient (never anything decrypted). Sharing a message with someone is
 * adding one of these ({@link #encrypt}); withdrawing it is dropping theirs. Immutable.
 * <ul>
 * <li>{@link Kind#PUBLIC_KEY}: a PKESK (RFC 9580 5.1): v3 (goes with SEIPD v1, names the recipient by key id) or v6
 * (goes with SEIPD v2, names it by fingerprint). Either may be anonymous (key id 0 / no fingerprint).</li>
 * <li>{@link Kind#PASSWORD}: an SKESK (RFC 9580 5.3), kept so that a message passes through unchanged; this code never
 * makes or opens one.</li>
 * </ul>
 */
public final class EncryptedSessionKey {

    /** What protects the session key. */
    public enum Kind {
        PUBLIC_KEY, PASSWORD
    }

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final Kind kind;
    private final int version;
    private final long keyId;
    private final byte[] fingerprint;
    private final int keyAlgorithm;
    private final byte[] encoded;

    private EncryptedSessionKey(Kind kind, int version, long keyId, byte[] fingerprint, int keyAlgorithm, byte[] encoded) {
        this.kind = kind;
        this.version = version;
        this.keyId = keyId;
        this.fingerprint = fingerprint;
        this.keyAlgorithm = keyAlgorithm;
        this.encoded = encoded;
    }

    /**
     * Encrypts {@code sessionKey} to {@code recipient}: a v3 PKESK, the kind that goes with a SEIPD v1 body (RFC 9580
     * 5.1: v3 PKESKs precede v1 SEIPD whatever the key version; for a v6 key the key id is the fingerprint's first 8
     * bytes). Public-key operation with BouncyCastle's lightweight engine: one small operation per recipient, and no
     * JCA provider for X25519/ECDH needed.
     *
     * @param recipient an encryption (sub)key: RSA, ElGamal, ECDH (Curve25519 legacy, NIST, brainpool), X25519, X448;
     *                  choosing a valid one is the caller's (see {@link RecipientKeys})
     * @throws IllegalArgumentException if the key cannot encrypt, or the session key's algorithm is not known
     */
    public static EncryptedSessionKey encrypt(SessionKey sessionKey, PGPPublicKey recipient) {
        if (sessionKey.algorithm() == SessionKey.ALGORITHM_UNKNOWN) {
            throw new IllegalArgumentException("a v3 session key packet needs the session key's symmetric algorithm");
        }
        PGPDataEncryptorBuilder v1Body = new JcePGPDataEncryptorBuilder(sessionKey.algorithm()).setWithIntegrityPacket(true);
        byte[] key = sessionKey.keyBytes();
        try {
            ContainedPacket packet = new BcPublicKeyKeyEncryptionMethodGenerator(recipient).generate(v1Body, key);
            return parse(packet.getEncoded());
        } catch (PGPException | IOException | MessageFormatException e) {
            throw new IllegalArgumentException("cannot encrypt the session key to key " + hexKeyId(recipient.getKeyID())
                    + " (algorithm " + recipient.getAlgorithm() + ")", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Parses one complete packet (header and body): a PKESK or SKESK. */
    static EncryptedSessionKey parse(byte[] packet) throws MessageFormatException {
        try {
            PacketHeader header = PacketHeader.read(new java.io.ByteArrayInputStream(packet));
            if (header == null || !header.definite() || header.raw().length + header.length() != packet.length) {
                throw new MessageFormatException(Reason.MALFORMED, "not one complete session key packet");
            }
            return parse(header, packet, header.raw().length);
        } catch (IOException e) {
            throw new MessageFormatException(Reason.MALFORMED, "not one complete session key packet", e);
        }
    }

    /** Parses a session key packet whose header is {@code header} and whose complete bytes are {@code packet}. */
    static EncryptedSessionKey parse(PacketHeader header, byte[] packet, int body) throws MessageFormatException {
        int end = packet.length;
        if (body >= end) {
            throw malformed(header.tag());
        }
        int version = packet[body] & 0xFF;
        if (header.tag() == PacketTags.SYMMETRIC_KEY_ENC_SESSION) {
            if (version != 4 && version != 5 && version != 6) {
                throw new MessageFormatException(Reason.UNSUPPORTED, "password session key packet version " + version);
            }
            return new EncryptedSessionKey(Kind.PASSWORD, version, 0L, null, -1, packet);
        }
        if (header.tag() != PacketTags.PUBLIC_KEY_ENC_SESSION) {
            throw new MessageFormatException(Reason.MALFORMED, "packet type " + header.tag() + " is not a session key packet");
        }
        int pos = body + 1;
        if (version == 3) {
            // version, 8-byte key id, algorithm, algorithm-specific fields (at least one octet)
            if (end - pos < 8 + 1 + 1) {
                throw malformed(header.tag());
            }
            long keyId = 0;
            for (int i = 0; i < 8; i++) {
                keyId = (keyId << 8) | (packet[pos++] & 0xFF);
            }
            return new EncryptedSessionKey(Kind.PUBLIC_KEY, 3, keyId, null, packet[pos] & 0xFF, packet);
        }
        if (version == 6) {
            // version, length n of (key version + fingerprint), key version, fingerprint, algorithm, fields
            if (end - pos < 1) {
                throw malformed(header.tag());
            }
            int n = packet[pos++] & 0xFF;
            if (n != 0 && n != 1 + 20 && n != 1 + 32) {
                throw malformed(header.tag());
            }
            if (end - pos < n + 1 + 1) {
                throw malformed(header.tag());
            }
            byte[] fingerprint = n == 0 ? null : Arrays.copyOfRange(packet, pos + 1, pos + n);
            int keyVersion = n == 0 ? 0 : packet[pos] & 0xFF;
            if (n != 0 && !(keyVersion == 4 && n == 21 || keyVersion == 6 && n == 33)) {
                throw malformed(header.tag());
            }
            pos += n;
            long keyId = fingerprint == null ? 0L : keyIdOf(keyVersion, fingerprint);
            return new EncryptedSessionKey(Kind.PUBLIC_KEY, 6, keyId, fingerprint, packet[pos] & 0xFF, packet);
        }
        throw new MessageFormatException(Reason.UNSUPPORTED, "public-key session key packet version " + version);
    }

    /** RFC 9580 5.5.4: a v4 key id is the fingerprint's last 8 bytes, a v6 key id its first 8. */
    private static long keyIdOf(int keyVersion, byte[] fingerprint) {
        int from = keyVersion == 4 ? fingerprint.length - 8 : 0;
        long id = 0;
        for (int i = from; i < from + 8; i++) {
            id = (id << 8) | (fingerprint[i] & 0xFF);
        }
        return id;
    }

    private static MessageFormatException malformed(int tag) {
        return new MessageFormatException(Reason.MALFORMED, "session key packet (type " + tag + ") is malformed");
    }

    public Kind kind() {
        return kind;
    }

    /** The packet version: 3 or 6 for {@link Kind#PUBLIC_KEY}, 4 to 6 for {@link Kind#PASSWORD}. */
    public int version() {
        return version;
    }

    /**
     * The recipient's key id (of the encryption subkey, not the primary key); 0 if anonymous or {@link Kind#PASSWORD}.
     * For a v6 packet derived from its fingerprint.
     */
    public long keyId() {
        return keyId;
    }

    /** {@link #keyId()} as 16 upper-case hex digits. */
    public String keyIdHex() {
        return hexKeyId(keyId);
    }

    /** The recipient key's fingerprint if the packet names one (v6 packets), else {@code null}. A copy. */
    public byte[] fingerprint() {
        return fingerprint == null ? null : fingerprint.clone();
    }

    /** The public-key algorithm id (RFC 9580 9.1) the session key is encrypted with; -1 for {@link Kind#PASSWORD}. */
    public int keyAlgorithm() {
        return keyAlgorithm;
    }

    /** Anonymous ("wildcard") recipient: every key must try it. */
    public boolean anonymous() {
        return kind == Kind.PUBLIC_KEY && keyId == 0L && fingerprint == null;
    }

    /** Whether this packet names {@code key} (a subkey) as its recipient. Anonymous packets name nobody. */
    public boolean isFor(PGPPublicKey key) {
        if (kind != Kind.PUBLIC_KEY || anonymous()) {
            return false;
        }
        if (fingerprint != null) {
            return Arrays.equals(fingerprint, key.getFingerprint());
        }
        return keyId == key.getKeyID();
    }

    /** The packet's bytes (header and body), a copy. */
    public byte[] encoded() {
        return encoded.clone();
    }

    void writeTo(ByteArrayOutputStream out) {
        out.write(encoded, 0, encoded.length);
    }

    int encodedLength() {
        return encoded.length;
    }

    /** Whether the public-key algorithm can encrypt a session key at all (checked before asking BouncyCastle). */
    static boolean encryptionAlgorithm(int algorithm) {
        return switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT,
                    PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL,
                    PublicKeyAlgorithmTags.ECDH, PublicKeyAlgorithmTags.X25519, PublicKeyAlgorithmTags.X448 -> true;
            default -> false;
        };
    }

    static String hexKeyId(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    @Override
    public String toString() {
        return kind == Kind.PASSWORD ? "EncryptedSessionKey[password, v" + version + "]"
                : "EncryptedSessionKey[v" + version + ", " + (anonymous() ? "anonymous"
                        : fingerprint != null ? HEX.formatHex(fingerprint) : keyIdHex()) + ", algorithm " + keyAlgorithm + "]";
    }
}
