package io.guardcluster.keyservice.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import io.guardcluster.keyservice.pgp.KeyReader;

/** Checks detached signatures with BouncyCastle, independently of the service's signing code path. */
final class Signatures {

    private Signatures() {
    }

    static PGPPublicKeyRing publicKey(String armored) throws Exception {
        return (PGPPublicKeyRing) KeyReader.read(armored.getBytes(StandardCharsets.US_ASCII), 1 << 20).get(0);
    }

    /** The one signature in {@code signature} (armored or binary). */
    static PGPSignature parse(byte[] signature) throws Exception {
        PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(signature)),
                new BcKeyFingerprintCalculator());
        return ((PGPSignatureList) factory.nextObject()).get(0);
    }

    static boolean verifies(PGPSignature signature, PGPPublicKeyRing ring, InputStream data) throws Exception {
        PGPPublicKey key = ring.getPublicKey(signature.getKeyID());
        if (key == null) {
            return false;
        }
        signature.init(new BcPGPContentVerifierBuilderProvider(), key);
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = data.read(buffer)) >= 0) {
            signature.update(buffer, 0, read);
        }
        return signature.verify();
    }

    static boolean verifies(byte[] signature, PGPPublicKeyRing ring, byte[] data) throws Exception {
        return verifies(parse(signature), ring, new ByteArrayInputStream(data));
    }
}
