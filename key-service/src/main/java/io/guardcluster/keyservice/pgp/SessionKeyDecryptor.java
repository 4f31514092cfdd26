package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

import io.guardcluster.keyservice.pgp.PgpInputException.Code;

/**
 * Decrypts the session key of a message with one of our secret keys, so the message itself can be decrypted
 * elsewhere (streaming, by whoever holds the data) without the secret key leaving the key service.
 * <p>
 * Input: the packets at the start of an encrypted message, binary: public-key encrypted session keys (PKESK v3,
 * RFC 9580 5.1, for SEIPDv1; v6 for SEIPDv2), possibly mixed with symmetric-key ones (SKESK) and marker/padding
 * packets, which are skipped. Parsing stops at the first other packet; if that is a SEIPDv2 packet, its symmetric
 * algorithm is read from its first bytes (only they need to be present). Supported: RSA, ECDH (Curve25519Legacy,
 * NIST, brainpool), ElGamal, X25519, X448.
 */
public final class SessionKeyDecryptor {

    /** Bounds the work a crafted input can cause. */
    static final int MAX_PACKETS = 256;
    static final int MAX_ATTEMPTS = 32;

    private SessionKeyDecryptor() {
    }

    /** The parsed start of a message. */
    record Header(List<PublicKeyEncSessionPacket> pkesks, int seipdV2Algorithm) {
    }

    public static SessionKey decrypt(byte[] encryptedSessionKeys, PGPSecretKeyRing ring, char[] passphrase)
            throws PgpInputException, WrongPassphraseException, NoMatchingKeyException, DecryptionFailedException {
        Header header = parse(encryptedSessionKeys);
        List<Attempt> attempts = new ArrayList<>();
        // Explicitly addressed packets first, then anonymous (wildcard) ones against every fitting key.
        for (PublicKeyEncSessionPacket pkesk : header.pkesks()) {
            for (PGPSecretKey key : ring) {
                if (!key.isPrivateKeyEmpty() && !isWildcard(pkesk) && addressedTo(pkesk, key) && fits(pkesk, key)) {
                    attempts.add(new Attempt(pkesk, key));
                }
            }
        }
        for (PublicKeyEncSessionPacket pkesk : header.pkesks()) {
            for (PGPSecretKey key : ring) {
                if (!key.isPrivateKeyEmpty() && isWildcard(pkesk) && fits(pkesk, key)) {
                    attempts.add(new Attempt(pkesk, key));
                }
            }
        }
        if (attempts.isEmpty()) {
            throw new NoMatchingKeyException("the message is encrypted to " + recipients(header)
                    + ", none of them a key of " + Bc.keyId(ring.getPublicKey().getKeyID()));
        }
        DecryptionFailedException failure = null;
        int tried = 0;
        for (Attempt attempt : attempts) {
            if (tried++ == MAX_ATTEMPTS) {
                break;
            }
            PGPPrivateKey privateKey = Bc.unlock(attempt.key(), passphrase);
            try {
                return decrypt(attempt.pkesk(), privateKey, header.seipdV2Algorithm());
            } catch (DecryptionFailedException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** The (sub)key ids the PKESK packets are addressed to, 16 upper-case hex digits, "0000000000000000" for anonymous. */
    public static List<String> recipientKeyIds(byte[] encryptedSessionKeys) throws PgpInputException {
        Set<String> ids = new LinkedHashSet<>();
        for (PublicKeyEncSessionPacket pkesk : parse(encryptedSessionKeys).pkesks()) {
            ids.add(Bc.keyId(pkesk.getKeyID()));
        }
        return List.copyOf(ids);
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Attempt(PublicKeyEncSessionPacket pkesk, PGPSecretKey key) {
    }

    private static String recipients(Header header) {
        Set<String> ids = new LinkedHashSet<>();
        header.pkesks().forEach(p -> ids.add(Bc.keyId(p.getKeyID())));
        return String.join(", ", ids);
    }

    private static boolean isWildcard(PublicKeyEncSessionPacket pkesk) {
        return pkesk.getVersion() == PublicKeyEncSessionPacket.VERSION_6
                ? pkesk.getKeyFingerprint() == null || pkesk.getKeyFingerprint().length == 0
                : pkesk.getKeyID() == 0L;
    }

    private static boolean addressedTo(PublicKeyEncSessionPacket pkesk, PGPSecretKey key) {
        if (pkesk.getVersion() == PublicKeyEncSessionPacket.VERSION_6) {
            return Arrays.equals(pkesk.getKeyFingerprint(), key.getPublicKey().getFingerprint());
        }
        return pkesk.getKeyID() == key.getKeyID();
    }

    private static boolean fits(PublicKeyEncSessionPacket pkesk, PGPSecretKey key) {
        int keyAlgorithm = key.getPublicKey().getAlgorithm();
        return switch (pkesk.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT ->
                    keyAlgorithm == PublicKeyAlgorithmTags.RSA_GENERAL || keyAlgorithm == PublicKeyAlgorithmTags.RSA_ENCRYPT;
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL ->
                    keyAlgorithm == PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT || keyAlgorithm == PublicKeyAlgorithmTags.ELGAMAL_GENERAL;
            default -> keyAlgorithm == pkesk.getAlgorithm();
        };
    }

    private static SessionKey decrypt(PublicKeyEncSessionPacket pkesk, PGPPrivateKey privateKey, int seipdV2Algorithm)
            throws DecryptionFailedException {
        String keyId = Bc.keyId(privateKey.getKeyID());
        byte[] data;
        try {
            data = new BcPublicKeyDataDecryptorFactory(privateKey)
                    .recoverSessionData(pkesk.getAlgorithm(), pkesk.getEncSessionKey(), pkesk.getVersion());
        } catch (PGPException | RuntimeException e) {
            throw failed(keyId);
        }
        try {
            boolean v6 = pkesk.getVersion() == PublicKeyEncSessionPacket.VERSION_6;
            int algorithm = pkesk.getAlgorithm();
            if (algorithm == PublicKeyAlgorithmTags.X25519 || algorithm == PublicKeyAlgorithmTags.X448) {
                // No checksum (AES key wrap checked integrity); v3 carries the algorithm in clear before the wrapped key.
                int symmetric = v6 ? seipdV2Algorithm : pkesk.getEncSessionKey()[0][ephemeralLength(algorithm) + 1] & 0xFF;
                return checked(symmetric, data.clone(), !v6, keyId);
            }
            int offset = v6 ? 0 : 1;
            if (data.length < offset + 2 + 1) {
                throw failed(keyId);
            }
            int checksum = ((data[data.length - 2] & 0xFF) << 8) | (data[data.length - 1] & 0xFF);
            int sum = 0;
            for (int i = offset; i < data.length - 2; i++) {
                sum += data[i] & 0xFF;
            }
            if ((sum & 0xFFFF) != checksum) {
                throw failed(keyId);
            }
            int symmetric = v6 ? seipdV2Algorithm : data[0] & 0xFF;
            return checked(symmetric, Arrays.copyOfRange(data, offset, data.length - 2), !v6, keyId);
        } finally {
            Bc.clear(data);
        }
    }

    /**
     * One message, no cause, for every way decryption can fail (padding, checksum, key wrap, length): telling them
     * apart would make a padding oracle for RSA.
     */
    private static DecryptionFailedException failed(String keyId) {
        return new DecryptionFailedException("the session key for " + keyId + " cannot be decrypted");
    }

    private static int ephemeralLength(int algorithm) {
        return algorithm == PublicKeyAlgorithmTags.X25519 ? 32 : 56;
    }

    private static SessionKey checked(int algorithm, byte[] key, boolean algorithmKnown, String keyId)
            throws DecryptionFailedException {
        if (algorithmKnown || algorithm != 0) {
            int expected = io.guardcluster.common.pgp.message.SessionKey.keyLength(algorithm);
            if (expected < 0 || expected != key.length) {
                Bc.clear(key);
                throw failed(keyId);
            }
        }
        return new SessionKey(algorithm, key);
    }

    /** Reads the leading session key packets; see the class comment. */
    static Header parse(byte[] data) throws PgpInputException {
        if (data == null || data.length == 0) {
            throw new PgpInputException(Code.EMPTY, "no encrypted session keys");
        }
        List<PublicKeyEncSessionPacket> pkesks = new ArrayList<>();
        int seipdV2Algorithm = 0;
        int pos = 0;
        int packets = 0;
        packetLoop:
        while (pos < data.length) {
            if (++packets > MAX_PACKETS) {
                throw new PgpInputException(Code.MALFORMED, "more than " + MAX_PACKETS + " session key packets");
            }
            int start = pos;
            int first = data[pos++] & 0xFF;
            if ((first & 0x80) == 0) {
                throw new PgpInputException(Code.MALFORMED, "packet " + packets + " has no valid packet header");
            }
            int tag;
            long length;
            boolean partial = false;
            if ((first & 0x40) != 0) {
                tag = first & 0x3F;
                if (pos >= data.length) {
                    throw truncated(packets);
                }
                int l1 = data[pos++] & 0xFF;
                if (l1 < 192) {
                    length = l1;
                } else if (l1 < 224) {
                    if (pos >= data.length) {
                        throw truncated(packets);
                    }
                    length = ((l1 - 192) << 8) + (data[pos++] & 0xFF) + 192;
                } else if (l1 < 255) {
                    length = 1L << (l1 & 0x1F);
                    partial = true;
                } else {
                    if (pos + 4 > data.length) {
                        throw truncated(packets);
                    }
                    length = ((long) (data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16)
                            | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
                    pos += 4;
                }
            } else {
                tag = (first >> 2) & 0x0F;
                int lengthType = first & 0x03;
                int octets = lengthType == 3 ? 0 : 1 << lengthType;
                if (pos + octets > data.length) {
                    throw truncated(packets);
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (data[pos++] & 0xFF);
                }
                if (lengthType == 3) {
                    length = data.length - pos; // indeterminate: the rest
                }
            }
            switch (tag) {
                case PacketTags.PUBLIC_KEY_ENC_SESSION, PacketTags.SYMMETRIC_KEY_ENC_SESSION, PacketTags.MARKER,
                        PacketTags.PADDING -> {
                    if (partial) {
                        throw new PgpInputException(Code.MALFORMED, "packet " + packets + " has a partial length, "
                                + "which session key packets may not have");
                    }
                    if (length > data.length - pos) {
                        throw truncated(packets);
                    }
                    int end = pos + (int) length;
                    if (tag == PacketTags.PUBLIC_KEY_ENC_SESSION) {
                        pkesks.add(readPkesk(data, start, end, pos, packets));
                    }
                    pos = end;
                }
                case PacketTags.SYM_ENC_INTEGRITY_PRO -> {
                    if (pos + 1 < data.length && data[pos] == 2) {
                        seipdV2Algorithm = data[pos + 1] & 0xFF;
                    }
                    break packetLoop;
                }
                default -> {
                    break packetLoop;
                }
            }
        }
        if (pkesks.isEmpty()) {
            throw new PgpInputException(Code.MALFORMED, "no public-key encrypted session key packet at the start of the data");
        }
        return new Header(pkesks, seipdV2Algorithm);
    }

    private static PublicKeyEncSessionPacket readPkesk(byte[] data, int start, int end, int body, int index)
            throws PgpInputException {
        if (end - body < 2) {
            throw new PgpInputException(Code.MALFORMED, "session key packet " + index + " is too short");
        }
        int version = data[body] & 0xFF;
        if (version != PublicKeyEncSessionPacket.VERSION_3 && version != PublicKeyEncSessionPacket.VERSION_6) {
            throw new PgpInputException(Code.UNSUPPORTED, "session key packet " + index + " has version " + version);
        }
        try (BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(data, start, end - start))) {
            if (in.readPacket() instanceof PublicKeyEncSessionPacket pkesk) {
                if (!knownAlgorithm(pkesk.getAlgorithm())) {
                    throw new PgpInputException(Code.UNSUPPORTED, "session key packet " + index
                            + " uses unsupported public key algorithm " + pkesk.getAlgorithm());
                }
                return pkesk;
            }
            throw new PgpInputException(Code.MALFORMED, "session key packet " + index + " cannot be parsed");
        } catch (PgpInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            boolean unknown = e.getMessage() != null && e.getMessage().contains("unknown PGP public key algorithm");
            throw new PgpInputException(unknown ? Code.UNSUPPORTED : Code.MALFORMED, "session key packet " + index
                    + (unknown ? " uses an unsupported public key algorithm" : " is malformed"), e);
        }
    }

    private static boolean knownAlgorithm(int algorithm) {
        return switch (algorithm) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT,
                    PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL,
                    PublicKeyAlgorithmTags.ECDH, PublicKeyAlgorithmTags.X25519, PublicKeyAlgorithmTags.X448 -> true;
            default -> false;
        };
    }

    private static PgpInputException truncated(int index) {
        return new PgpInputException(Code.MALFORMED, "session key packet " + index + " is truncated");
    }
}
