package io.guardcluster.mailservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import io.guardcluster.common.pgp.message.SignatureCheck;
import io.guardcluster.common.pgp.message.SignerKeys;

/**
 * Checks detached signatures: the second part of an RFC 3156 {@code multipart/signed} (over the first part's bytes
 * with CRLF line ends) and the signature of a cleartext-signed text (over the text as RFC 9580 7.1 prescribes, which
 * the caller extracts). The data is in memory: a mail part, bounded by the mail's size limit.
 */
public final class DetachedSignatures {

    /** More signatures than this in one block is not a mail anybody sent. */
    private static final int MAX_SIGNATURES = 16;

    private DetachedSignatures() {
    }

    /**
     * One check per signature in {@code signature} (armored or binary); a block that does not parse is one
     * {@link SignatureCheck.Status#BAD} check (the sender's mail says it is signed, and it is not verifiably).
     */
    public static List<SignatureCheck> verify(byte[] signature, byte[] data, SignerKeys keys) {
        List<PGPSignature> signatures = parse(signature);
        if (signatures.isEmpty()) {
            return List.of(new SignatureCheck("0000000000000000", SignatureCheck.Status.BAD, Optional.empty(),
                    Optional.empty()));
        }
        List<SignatureCheck> checks = new ArrayList<>(signatures.size());
        for (PGPSignature sig : signatures) {
            checks.add(verify(sig, data, keys));
        }
        return checks;
    }

    private static SignatureCheck verify(PGPSignature signature, byte[] data, SignerKeys keys) {
        String issuer = String.format("%016X", signature.getKeyID());
        Optional<java.time.Instant> created = Optional.of(signature.getCreationTime().toInstant());
        Optional<PGPPublicKey> key = keys.find(signature.getKeyID());
        if (key.isEmpty()) {
            return new SignatureCheck(issuer, SignatureCheck.Status.UNKNOWN_KEY, created, Optional.empty());
        }
        boolean valid;
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), key.get());
            signature.update(data); // canonical-text signatures normalise line ends themselves
            valid = signature.verify();
        } catch (PGPException | RuntimeException e) {
            valid = false;
        }
        return new SignatureCheck(issuer, valid ? SignatureCheck.Status.VALID : SignatureCheck.Status.BAD, created, key);
    }

    /**
     * The hash algorithm of the (first) signature in {@code signature}, as RFC 3156's micalg names it without its
     * "pgp-" prefix ("sha512"); empty if the block holds no signature.
     */
    public static Optional<String> hashName(byte[] signature) {
        return parse(signature).stream().findFirst().map(sig -> switch (sig.getHashAlgorithm()) {
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA1 -> "sha1";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA224 -> "sha224";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA256 -> "sha256";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA384 -> "sha384";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA512 -> "sha512";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA3_256 -> "sha3-256";
            case org.bouncycastle.bcpg.HashAlgorithmTags.SHA3_512 -> "sha3-512";
            default -> "sha256";
        });
    }

    /** The signatures of a signature block (armored or binary); empty if it is not one. */
    static List<PGPSignature> parse(byte[] block) {
        List<PGPSignature> out = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(block))) {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
            Object next;
            while ((next = factory.nextObject()) != null) {
                if (!(next instanceof PGPSignatureList list)) {
                    return List.of();
                }
                for (PGPSignature signature : list) {
                    if (out.size() == MAX_SIGNATURES) {
                        return List.of();
                    }
                    out.add(signature);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }
}
