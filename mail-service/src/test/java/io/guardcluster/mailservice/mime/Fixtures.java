package io.guardcluster.mailservice.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/** Test resources under mime/ and a BouncyCastle check of detached signatures against the fixture key. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/mime/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource mime/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MimePart parse(String name) throws MimeFormatException {
        return new MimeParser().parse(resource(name));
    }

    static byte[] crlf(String text) {
        return LineEndings.crlf(text).getBytes(StandardCharsets.UTF_8);
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Whether the first signature in {@code signaturePackets} verifies over {@code data} with a key of the ring. */
    static boolean verifies(byte[] data, byte[] signaturePackets, byte[] armoredKeys) {
        try {
            PGPPublicKeyRingCollection keys = new PGPPublicKeyRingCollection(
                    PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredKeys)), new BcKeyFingerprintCalculator());
            PGPSignatureList list = (PGPSignatureList) new BcPGPObjectFactory(signaturePackets).nextObject();
            PGPSignature signature = list.get(0);
            PGPPublicKey key = keys.getPublicKey(signature.getKeyID());
            if (key == null) {
                throw new AssertionError("the signature is not by a key of the ring");
            }
            signature.init(new BcPGPContentVerifierBuilderProvider(), key);
            signature.update(data);
            return signature.verify();
        } catch (IOException | PGPException e) {
            throw new AssertionError("cannot check the signature", e);
        }
    }
}
