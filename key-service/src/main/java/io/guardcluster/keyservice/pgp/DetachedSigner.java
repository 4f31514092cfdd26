package io.guardcluster.keyservice.pgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;

/** Detached signatures (RFC 9580 5.2, 11.4) made with a key ring's signing key. */
public final class DetachedSigner {

    private DetachedSigner() {
    }

    /**
     * A detached signature over {@code data} (read to its end, not closed), made with the newest valid
     * signing-capable (sub)key of the ring: a v4 signature for a v4 key (v6 for v6), hash SHA-512 (SHA-256 for DSA),
     * with signature creation time and issuer fingerprint.
     *
     * @param text     true for a canonical-text signature (type 0x01: line endings are hashed as CR LF), false for
     *                 a binary one (0x00)
     * @param armored  true for "-----BEGIN PGP SIGNATURE-----" armor (no headers), false for the binary packet
     * @throws IllegalArgumentException if the ring has no valid signing key with secret material
     */
    public static byte[] sign(InputStream data, PGPSecretKeyRing ring, char[] passphrase, boolean text, boolean armored)
            throws IOException, WrongPassphraseException {
        Session session = open(ring, passphrase, text);
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = data.read(buffer)) >= 0) {
            session.update(buffer, 0, read);
        }
        return session.finish(armored);
    }

    /**
     * Starts a signature to which the data is fed piece by piece ({@link Session#update}), so the caller decides
     * where the data comes from and on which thread it is read. Unlocks the signing key now: the passphrase is not
     * kept.
     *
     * @throws IllegalArgumentException if the ring has no valid signing key with secret material
     */
    public static Session open(PGPSecretKeyRing ring, char[] passphrase, boolean text) throws WrongPassphraseException {
        PGPSecretKey signingKey = signingKey(ring);
        PGPPrivateKey privateKey = Bc.unlock(signingKey, passphrase);
        PGPPublicKey publicKey = signingKey.getPublicKey();
        try {
            PGPSignatureGenerator generator = OpenPgpKeys.signer(publicKey,
                    text ? PGPSignature.CANONICAL_TEXT_DOCUMENT : PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, OpenPgpKeys.signatureTime(publicKey.getCreationTime()));
            hashed.setIssuerFingerprint(false, publicKey);
            generator.setHashedSubpackets(hashed.generate());
            return new Session(generator, publicKey);
        } catch (PGPException e) {
            throw new IllegalStateException("cannot sign with key " + Bc.keyId(publicKey.getKeyID()), e);
        }
    }

    /**
     * One signature in the making: hashes what {@link #update} gets (a text signature canonicalises line endings
     * across calls), then {@link #finish} signs. Not thread-safe; use it from one thread at a time.
     */
    public static final class Session {

        private final PGPSignatureGenerator generator;
        private final PGPPublicKey publicKey;

        private Session(PGPSignatureGenerator generator, PGPPublicKey publicKey) {
            this.generator = generator;
            this.publicKey = publicKey;
        }

        public void update(byte[] data, int offset, int length) {
            generator.update(data, offset, length);
        }

        /** The detached signature over everything given to {@link #update}; armored without headers, or binary. */
        public byte[] finish(boolean armored) throws IOException {
            try {
                PGPSignature signature = generator.generate();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (BCPGOutputStream out = new BCPGOutputStream(bytes, PacketFormat.CURRENT)) {
                    signature.encode(out);
                }
                if (!armored) {
                    return bytes.toByteArray();
                }
                return OpenPgpKeys.armor(bytes.toByteArray()).getBytes(StandardCharsets.US_ASCII);
            } catch (PGPException e) {
                throw new IOException("cannot sign with key " + Bc.keyId(publicKey.getKeyID()), e);
            }
        }
    }

    static PGPSecretKey signingKey(PGPSecretKeyRing ring) {
        List<PGPPublicKey> candidates = KeyEvaluation.of(ring, Instant.now()).usableKeys(KeyFlags.SIGN_DATA);
        return candidates.stream()
                .sorted(Comparator.comparing(PGPPublicKey::getCreationTime).reversed())
                .map(key -> ring.getSecretKey(key.getKeyID()))
                .filter(key -> key != null && !key.isPrivateKeyEmpty())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "key " + Bc.keyId(ring.getPublicKey().getKeyID()) + " has no valid signing key with a secret part"));
    }
}
