package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.cryptlib.CryptlibObjectIdentifiers;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gnu.GNUObjectIdentifiers;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.PGPKeyPairGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

/**
 * Unbound key material: a primary (signing/certifying) key pair and an encryption subkey pair, unprotected,
 * no user id yet. What the key cache pools; {@link OpenPgpKeys#certify} turns it into a key.
 *
 * <h2>Encoding ({@link #encode()}), format version 1</h2>
 * All integers are unsigned big-endian.
 * <pre>
 * offset  size  content
 *      0     3  magic "GKM" (0x47 0x4B 0x4D): Guard Key Material
 *      3     1  format version, 0x01
 *      4     1  profile algorithm: 0x01 = ed25519, 0x02 = RSA
 *      5     2  RSA modulus size in bits (2048, 3072, 4096); 0 for ed25519
 *      7     4  P = length of the primary key packet
 *     11     P  primary key: a complete OpenPGP v4 Secret-Key packet (RFC 9580 5.5.3, tag 5) with a new-format
 *               ("OpenPGP format") header, i.e. first octet 0xC5,
 *               unprotected (S2K usage 0, two-octet checksum); its creation time is the key's creation time.
 *               ed25519: algorithm 22 (EdDSALegacy, curve Ed25519); RSA: algorithm 1
 *   11+P     4  S = length of the subkey packet
 *   15+P     S  encryption subkey: a complete OpenPGP v4 Secret-Subkey packet (tag 7), new-format header (0xC7),
 *               unprotected.
 *               ed25519: algorithm 18 (ECDH, Curve25519Legacy); RSA: algorithm 1
 * 15+P+S        end; nothing may follow
 * </pre>
 * <h2>Format version 2</h2>
 * Version 1 followed by the subkey's binding signature, made when the material was generated ({@link
 * OpenPgpKeys#bindSubkey}): the one certification that does not depend on the user, so a pooled key costs one
 * signature when a user claims it instead of two (RSA-3072: ~2 ms each).
 * <pre>
 * 15+P+S     4  B = length of the binding signature packet
 * 19+P+S     B  a complete v4 Signature packet (tag 2, new-format header 0xC2) of type 0x18 (subkey binding),
 *               made by the primary key over primary key and subkey; verified on decoding
 * 19+P+S+B      end; nothing may follow
 * </pre>
 * {@link #decode(byte[])} checks every field, including that the packets match the profile, and re-encodes the
 * packets to make sure they round-trip. The encoding holds unprotected secret keys: callers seal it before it
 * leaves the process and should clear their copies when done.
 */
public final class KeyMaterial {

    static final byte[] MAGIC = {'G', 'K', 'M'};
    static final int FORMAT_VERSION = 1;
    static final int FORMAT_VERSION_BOUND = 2;
    private static final int ALG_ED25519 = 1;
    private static final int ALG_RSA = 2;
    private static final int HEADER_LENGTH = 7;
    /** Generous bound on one secret key packet (an unprotected RSA-4096 secret key is about 1.7 KB). */
    private static final int MAX_PACKET_LENGTH = 16 * 1024;

    private final KeyProfile profile;
    private final PGPKeyPair primary;
    private final PGPKeyPair subkey;
    /** The subkey's binding signature made at generation, or null (format version 1, or not bound yet). */
    private final PGPSignature subkeyBinding;

    private KeyMaterial(KeyProfile profile, PGPKeyPair primary, PGPKeyPair subkey, PGPSignature subkeyBinding) {
        this.profile = profile;
        this.primary = primary;
        this.subkey = subkey;
        this.subkeyBinding = subkeyBinding;
    }

    /**
     * Generates fresh material. Slow for RSA (seconds for 4096 bits): never on a request thread.
     *
     * @param creationTime the keys' creation time (truncated to seconds); part of the fingerprint
     */
    public static KeyMaterial generate(KeyProfile profile, Instant creationTime) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(creationTime, "creationTime");
        try {
            PGPKeyPairGenerator generator = new BcPGPKeyPairGeneratorProvider()
                    .setSecureRandom(Bc.RANDOM)
                    .get(PublicKeyPacket.VERSION_4, Bc.date(creationTime));
            return switch (profile.algorithm()) {
                case ED25519 -> new KeyMaterial(profile,
                        generator.generateLegacyEd25519KeyPair(), generator.generateLegacyX25519KeyPair(), null);
                case RSA -> new KeyMaterial(profile,
                        generator.generateRsaKeyPair(BigInteger.valueOf(65537), profile.rsaBits()),
                        generator.generateRsaKeyPair(BigInteger.valueOf(65537), profile.rsaBits()), null);
            };
        } catch (PGPException e) {
            throw new IllegalStateException("key generation failed for profile " + profile.id(), e);
        }
    }

    /** The layout is in the class comment. The result holds unprotected secret keys. */
    public byte[] encode() {
        byte[] primaryPacket = packet(primary, true);
        byte[] subkeyPacket = packet(subkey, false);
        byte[] bindingPacket = subkeyBinding == null ? null : signaturePacket(subkeyBinding);
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + 4 + primaryPacket.length + 4 + subkeyPacket.length
                + (bindingPacket == null ? 0 : 4 + bindingPacket.length));
        out.put(MAGIC).put((byte) (bindingPacket == null ? FORMAT_VERSION : FORMAT_VERSION_BOUND))
                .put((byte) (profile.algorithm() == KeyProfile.Algorithm.ED25519 ? ALG_ED25519 : ALG_RSA))
                .putShort((short) profile.rsaBits())
                .putInt(primaryPacket.length).put(primaryPacket)
                .putInt(subkeyPacket.length).put(subkeyPacket);
        if (bindingPacket != null) {
            out.putInt(bindingPacket.length).put(bindingPacket);
        }
        Bc.clear(primaryPacket);
        Bc.clear(subkeyPacket);
        return out.array();
    }

    /**
     * The same material carrying {@code binding} as its subkey's binding signature (see {@link
     * OpenPgpKeys#bindSubkey}, which checks it).
     */
    KeyMaterial withSubkeyBinding(PGPSignature binding) {
        return new KeyMaterial(profile, primary, subkey, Objects.requireNonNull(binding, "binding"));
    }

    /** The subkey binding signature made at generation, if any. */
    Optional<PGPSignature> subkeyBinding() {
        return Optional.ofNullable(subkeyBinding);
    }

    /** Reads what {@link #encode()} wrote; anything else is refused with {@link PgpInputException.Code#MALFORMED}. */
    public static KeyMaterial decode(byte[] encoded) throws PgpInputException {
        if (encoded == null || encoded.length == 0) {
            throw new PgpInputException(PgpInputException.Code.EMPTY, "key material is empty");
        }
        if (encoded.length < HEADER_LENGTH + 8 || !Arrays.equals(encoded, 0, 3, MAGIC, 0, 3)) {
            throw malformed("not key material (bad magic or too short)");
        }
        if (encoded[3] != FORMAT_VERSION && encoded[3] != FORMAT_VERSION_BOUND) {
            throw new PgpInputException(PgpInputException.Code.UNSUPPORTED,
                    "key material format version " + (encoded[3] & 0xFF) + " is not supported");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded);
        in.position(4);
        int algorithm = in.get() & 0xFF;
        int bits = in.getShort() & 0xFFFF;
        KeyProfile profile;
        try {
            profile = switch (algorithm) {
                case ALG_ED25519 -> new KeyProfile(KeyProfile.Algorithm.ED25519, bits);
                case ALG_RSA -> new KeyProfile(KeyProfile.Algorithm.RSA, bits);
                default -> throw malformed("unknown profile algorithm " + algorithm);
            };
        } catch (IllegalArgumentException e) {
            throw malformed("bad profile: " + e.getMessage());
        }
        byte[] primaryPacket = slice(in, "primary key");
        byte[] subkeyPacket = slice(in, "subkey");
        byte[] bindingPacket = encoded[3] == FORMAT_VERSION_BOUND ? slice(in, "subkey binding") : null;
        if (in.hasRemaining()) {
            throw malformed(in.remaining() + " trailing bytes");
        }
        try {
            PGPKeyPair primary = unpack(primaryPacket, true, "primary key");
            PGPKeyPair subkey = unpack(subkeyPacket, false, "subkey");
            checkAlgorithm(profile, primary.getPublicKey(), true);
            checkAlgorithm(profile, subkey.getPublicKey(), false);
            if (primary.getKeyID() == subkey.getKeyID()) {
                throw malformed("primary key and subkey are the same key");
            }
            // Generated by this cluster (the pool's entries are sealed with the master key): checked already.
            Bc.trustRsaModuli(java.util.List.of(primary.getPublicKey(), subkey.getPublicKey()));
            PGPSignature binding = bindingPacket == null ? null : binding(bindingPacket, primary, subkey);
            return new KeyMaterial(profile, primary, subkey, binding);
        } finally {
            Bc.clear(primaryPacket);
            Bc.clear(subkeyPacket);
        }
    }

    public KeyProfile profile() {
        return profile;
    }

    /** The keys' creation time (both keys share it). */
    public Instant creationTime() {
        return primary.getPublicKey().getCreationTime().toInstant();
    }

    /** The fingerprint the certified key will have (upper-case hex). */
    public String fingerprint() {
        return Bc.hex(primary.getPublicKey().getFingerprint());
    }

    PGPKeyPair primary() {
        return primary;
    }

    PGPKeyPair subkey() {
        return subkey;
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + profile.id() + ", " + fingerprint() + "]";
    }

    private static byte[] packet(PGPKeyPair pair, boolean primaryKey) {
        try {
            return encodeCurrent(new PGPSecretKey(pair.getPrivateKey(), pair.getPublicKey(), null, primaryKey, null));
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot encode key material", e);
        }
    }

    /** The packet with a new-format (RFC 9580 "OpenPGP format") header, whatever BouncyCastle's default. */
    private static byte[] encodeCurrent(PGPSecretKey key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BCPGOutputStream out = new BCPGOutputStream(bytes, PacketFormat.CURRENT)) {
            key.encode(out);
        }
        return bytes.toByteArray();
    }

    private static byte[] signaturePacket(PGPSignature signature) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BCPGOutputStream out = new BCPGOutputStream(bytes, PacketFormat.CURRENT)) {
            signature.encode(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a signature", e);
        }
        return bytes.toByteArray();
    }

    /** The binding signature of a version 2 encoding: exactly one packet, a valid binding of this subkey. */
    private static PGPSignature binding(byte[] packet, PGPKeyPair primary, PGPKeyPair subkey) throws PgpInputException {
        try {
            BCPGInputStream in = new BCPGInputStream(new ByteArrayInputStream(packet));
            if (in.nextPacketTag() != org.bouncycastle.bcpg.PacketTags.SIGNATURE) {
                throw malformed("subkey binding is not a signature packet");
            }
            PGPSignature signature = new PGPSignature(in);
            if (!Arrays.equals(signaturePacket(signature), packet)) {
                throw malformed("subkey binding packet does not round-trip (trailing or inconsistent data)");
            }
            if (!OpenPgpKeys.isSubkeyBinding(signature, primary.getPublicKey(), subkey.getPublicKey())) {
                throw malformed("subkey binding is not a valid binding of this subkey by this primary key");
            }
            return signature;
        } catch (PgpInputException e) {
            throw e;
        } catch (IOException | PGPException | RuntimeException e) {
            throw new PgpInputException(PgpInputException.Code.MALFORMED,
                    "key material: subkey binding packet cannot be parsed", e);
        }
    }

    private static byte[] slice(ByteBuffer in, String what) throws PgpInputException {
        if (in.remaining() < 4) {
            throw malformed("truncated before the " + what + " length");
        }
        int length = in.getInt();
        if (length <= 0 || length > MAX_PACKET_LENGTH || length > in.remaining()) {
            throw malformed("bad " + what + " length " + Integer.toUnsignedString(length));
        }
        byte[] packet = new byte[length];
        in.get(packet);
        return packet;
    }

    private static PGPKeyPair unpack(byte[] packet, boolean primaryKey, String what) throws PgpInputException {
        try {
            PGPSecretKeyRing ring = new PGPSecretKeyRing(packet, Bc.FINGERPRINTS);
            PGPSecretKey key = ring.getSecretKey();
            if (key == null || key.isMasterKey() != primaryKey) {
                throw malformed(what + " packet has the wrong packet type");
            }
            if (key.getS2KUsage() != SecretKeyPacket.USAGE_NONE || key.getKeyEncryptionAlgorithm() != 0) {
                throw malformed(what + " is protected; key material is stored unprotected");
            }
            if (key.getPublicKey().getVersion() != PublicKeyPacket.VERSION_4) {
                throw malformed(what + " is not a version 4 key");
            }
            byte[] again = encodeCurrent(key);
            boolean same = Arrays.equals(again, packet);
            Bc.clear(again);
            if (!same) {
                throw malformed(what + " packet does not round-trip (trailing or inconsistent data)");
            }
            checkChecksum(packet, what);
            PGPPrivateKey privateKey = key.extractPrivateKey(null);
            return new PGPKeyPair(key.getPublicKey(), privateKey);
        } catch (PgpInputException e) {
            throw e;
        } catch (IOException | PGPException | RuntimeException e) {
            throw new PgpInputException(PgpInputException.Code.MALFORMED,
                    "key material: " + what + " packet cannot be parsed", e);
        }
    }

    /** BouncyCastle ignores the two-octet checksum of an unprotected key; we do not. */
    private static void checkChecksum(byte[] packet, String what) throws IOException, PgpInputException {
        SecretKeyPacket parsed = (SecretKeyPacket) new BCPGInputStream(new ByteArrayInputStream(packet)).readPacket();
        byte[] data = parsed.getSecretKeyData();
        try {
            if (data == null || data.length < 3) {
                throw malformed(what + " has no secret key data");
            }
            int sum = 0;
            for (int i = 0; i < data.length - 2; i++) {
                sum += data[i] & 0xFF;
            }
            int stored = ((data[data.length - 2] & 0xFF) << 8) | (data[data.length - 1] & 0xFF);
            if ((sum & 0xFFFF) != stored) {
                throw malformed(what + " fails its checksum");
            }
        } finally {
            Bc.clear(data);
        }
    }

    private static void checkAlgorithm(KeyProfile profile, PGPPublicKey key, boolean primaryKey)
            throws PgpInputException {
        String what = primaryKey ? "primary key" : "subkey";
        boolean ok;
        if (profile.algorithm() == KeyProfile.Algorithm.RSA) {
            ok = key.getAlgorithm() == PublicKeyAlgorithmTags.RSA_GENERAL && key.getBitStrength() == profile.rsaBits();
        } else if (primaryKey) {
            ok = key.getAlgorithm() == PublicKeyAlgorithmTags.EDDSA_LEGACY
                    && curve(key).map(oid -> oid.equals(GNUObjectIdentifiers.Ed25519)
                            || oid.equals(EdECObjectIdentifiers.id_Ed25519)).orElse(false);
        } else {
            ok = key.getAlgorithm() == PublicKeyAlgorithmTags.ECDH
                    && curve(key).map(CryptlibObjectIdentifiers.curvey25519::equals).orElse(false);
        }
        if (!ok) {
            throw malformed(what + " does not match profile " + profile.id());
        }
    }

    private static java.util.Optional<org.bouncycastle.asn1.ASN1ObjectIdentifier> curve(PGPPublicKey key) {
        return key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec
                ? java.util.Optional.of(ec.getCurveOID()) : java.util.Optional.empty();
    }

    private static PgpInputException malformed(String message) {
        return new PgpInputException(PgpInputException.Code.MALFORMED, "key material: " + message);
    }
}
