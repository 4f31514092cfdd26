package io.guardcluster.common.pgp.message;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Checks the signatures inside a message while its literal data streams past: one-pass signatures (what gpg, Sequoia
 * and OpenPGP.js write: OPS packets before the data, the signatures after it, nested in reverse order, RFC 9580 5.4)
 * and signature packets written before the data (the older form). Each verifier is set up with its key when its
 * packet is read, so the data is hashed once, as it is decrypted, never buffered.
 * <p>
 * A signature that cannot be read or set up is reported {@link SignatureCheck.Status#BAD}; it never fails the
 * decryption, whose integrity is checked on its own.
 */
final class InlineSignatures {

    private static final String UNREADABLE = "0000000000000000";

    private final SignerKeys keys;
    private final BcPGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();
    /** One-pass signatures in the order read; each closed by a signature after the data. */
    private final List<Pending> onePass = new ArrayList<>();
    /** Complete signatures read before the data. */
    private final List<Pending> prefixed = new ArrayList<>();
    /** Signatures read after the data, in order. */
    private final List<PGPSignature> trailing = new ArrayList<>();
    private int unreadableTrailing;

    InlineSignatures(SignerKeys keys) {
        this.keys = keys;
    }

    /** A one-pass signature or signature packet (header and body) before the literal data. */
    void leading(byte[] packet) {
        Object read;
        try {
            read = new BcPGPObjectFactory(packet).nextObject();
        } catch (IOException | RuntimeException e) {
            read = null;
        }
        if (read instanceof PGPOnePassSignatureList list) {
            for (PGPOnePassSignature ops : list) {
                onePass.add(Pending.of(ops, keys.find(ops.getKeyID()), verifiers));
            }
        } else if (read instanceof PGPSignatureList list) {
            for (PGPSignature signature : list) {
                prefixed.add(Pending.of(signature, keys.find(signature.getKeyID()), verifiers));
            }
        } else {
            // Which list it belongs to is unknown; a one-pass placeholder keeps the nesting order of the others.
            onePass.add(Pending.unreadable());
        }
    }

    /** The next bytes of the literal data. */
    void update(byte[] data, int off, int len) {
        for (Pending pending : onePass) {
            pending.update(data, off, len);
        }
        for (Pending pending : prefixed) {
            pending.update(data, off, len);
        }
    }

    /** A signature packet (header and body) after the literal data. */
    void trailing(byte[] packet) {
        try {
            if (new BcPGPObjectFactory(packet).nextObject() instanceof PGPSignatureList list) {
                list.forEach(trailing::add);
                return;
            }
        } catch (IOException | RuntimeException e) {
            // counted below
        }
        unreadableTrailing++;
    }

    /** The outcome per signature, once the data has ended: one-pass signatures first, in the order read. */
    List<SignatureCheck> results() {
        List<SignatureCheck> results = new ArrayList<>(onePass.size() + prefixed.size());
        // Signatures missing, extra or unreadable: which closes which is unknown, so none counts.
        boolean paired = unreadableTrailing == 0 && trailing.size() == onePass.size();
        for (int i = 0; i < onePass.size(); i++) {
            // The i-th one-pass signature is closed by the i-th signature from the end.
            results.add(onePass.get(i).verifyOnePass(paired ? trailing.get(trailing.size() - 1 - i) : null));
        }
        for (Pending pending : prefixed) {
            results.add(pending.verifyPrefixed());
        }
        return results;
    }

    /** One signature being computed. */
    private static final class Pending {
        private final String issuer;
        private final PGPOnePassSignature ops;
        private final PGPSignature signature;
        private final Optional<PGPPublicKey> key;
        private final boolean initialised;

        private Pending(String issuer, PGPOnePassSignature ops, PGPSignature signature, Optional<PGPPublicKey> key,
                boolean initialised) {
            this.issuer = issuer;
            this.ops = ops;
            this.signature = signature;
            this.key = key;
            this.initialised = initialised;
        }

        static Pending of(PGPOnePassSignature ops, Optional<PGPPublicKey> key, BcPGPContentVerifierBuilderProvider verifiers) {
            boolean initialised = false;
            if (key.isPresent()) {
                try {
                    ops.init(verifiers, key.get());
                    initialised = true;
                } catch (PGPException | RuntimeException e) {
                    // unusable key for this signature: reported BAD
                }
            }
            return new Pending(SignatureCheck.hex(ops.getKeyID()), ops, null, key, initialised);
        }

        static Pending of(PGPSignature signature, Optional<PGPPublicKey> key, BcPGPContentVerifierBuilderProvider verifiers) {
            boolean initialised = false;
            if (key.isPresent()) {
                try {
                    signature.init(verifiers, key.get());
                    initialised = true;
                } catch (PGPException | RuntimeException e) {
                    // reported BAD
                }
            }
            return new Pending(SignatureCheck.hex(signature.getKeyID()), null, signature, key, initialised);
        }

        static Pending unreadable() {
            return new Pending(UNREADABLE, null, null, Optional.empty(), false);
        }

        void update(byte[] data, int off, int len) {
            if (!initialised) {
                return;
            }
            if (ops != null) {
                ops.update(data, off, len);
            } else {
                signature.update(data, off, len);
            }
        }

        SignatureCheck verifyOnePass(PGPSignature closing) {
            if (ops == null) {
                return new SignatureCheck(issuer, SignatureCheck.Status.BAD, Optional.empty(), Optional.empty());
            }
            Optional<Instant> created = Optional.ofNullable(closing).map(s -> s.getCreationTime().toInstant());
            if (key.isEmpty()) {
                return new SignatureCheck(issuer, SignatureCheck.Status.UNKNOWN_KEY, created, Optional.empty());
            }
            boolean valid = false;
            if (initialised && closing != null && closing.getKeyID() == ops.getKeyID()) {
                try {
                    valid = ops.verify(closing);
                } catch (PGPException | RuntimeException e) {
                    valid = false;
                }
            }
            return new SignatureCheck(issuer, valid ? SignatureCheck.Status.VALID : SignatureCheck.Status.BAD, created, key);
        }

        SignatureCheck verifyPrefixed() {
            Optional<Instant> created = Optional.of(signature.getCreationTime().toInstant());
            if (key.isEmpty()) {
                return new SignatureCheck(issuer, SignatureCheck.Status.UNKNOWN_KEY, created, Optional.empty());
            }
            boolean valid = false;
            if (initialised) {
                try {
                    valid = signature.verify();
                } catch (PGPException | RuntimeException e) {
                    valid = false;
                }
            }
            return new SignatureCheck(issuer, valid ? SignatureCheck.Status.VALID : SignatureCheck.Status.BAD, created, key);
        }
    }
}
