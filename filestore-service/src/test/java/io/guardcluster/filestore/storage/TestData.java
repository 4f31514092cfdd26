package io.guardcluster.filestore.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Test content generated on the fly (never held whole in memory) and compared by SHA-256, so a test
 * can stream tens of MiB through a store with constant memory on both sides.
 */
public final class TestData {

    static final int MIB = 1024 * 1024;

    private TestData() {
    }

    /** {@code size} pseudo-random bytes determined by {@code seed}. */
    public static InputStream stream(long seed, long size) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private long remaining = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, remaining);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) random.nextInt();
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** A stream that delivers {@code goodBytes} of content and then fails, like a client that disconnects. */
    static InputStream failingAfter(long goodBytes) {
        InputStream good = stream(99, goodBytes);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = good.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset by the test");
                }
                return n;
            }
        };
    }

    /** SHA-256 of what {@code in} delivers, read to its end (and closed). */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of bytes {@code offset..size} of {@link #stream(long, long)}. */
    static String sha256(long seed, long size, long offset) throws IOException {
        InputStream in = stream(seed, size);
        in.skipNBytes(offset);
        return sha256(in);
    }

    static long copy(InputStream in, OutputStream out) throws IOException {
        return in.transferTo(out);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
