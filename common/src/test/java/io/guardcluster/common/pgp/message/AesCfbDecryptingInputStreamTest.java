package io.guardcluster.common.pgp.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The multi-block CFB decryption gives exactly what the JCE's own AES/CFB/NoPadding gives, however it is read. */
class AesCfbDecryptingInputStreamTest {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 0, 1, 15, 16, 17, 18, 31, 32, 33, 1000, 65535, 65536, 65537, 65536 * 3 + 5, 1_000_003 })
    void decryptsLikeTheJceCfb(int size) throws Exception {
        Random random = new Random(size);
        for (int keyLength : new int[] { 16, 24, 32 }) {
            byte[] key = new byte[keyLength];
            random.nextBytes(key);
            byte[] plaintext = new byte[size];
            random.nextBytes(plaintext);
            Cipher jce = Cipher.getInstance("AES/CFB/NoPadding");
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
            byte[] ciphertext = jce.doFinal(plaintext);

            // Whole reads from a stream that hands out everything at once.
            assertThat(readAll(new AesCfbDecryptingInputStream(new ByteArrayInputStream(ciphertext), key), 8192))
                    .isEqualTo(plaintext);
            // Odd reads from a stream that hands out odd pieces (partial blocks across fills).
            InputStream trickle = new Trickle(new ByteArrayInputStream(ciphertext), random);
            assertThat(readAll(new AesCfbDecryptingInputStream(trickle, key), 7)).isEqualTo(plaintext);
        }
    }

    private static byte[] readAll(InputStream in, int bufferSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[bufferSize];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        in.close();
        return out.toByteArray();
    }

    /** Returns 1 to 40 bytes per read and never says more is available. */
    private static final class Trickle extends FilterInputStream {
        private final Random random;

        Trickle(InputStream in, Random random) {
            super(in);
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(40)));
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
