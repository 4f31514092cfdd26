package io.guardcluster.filestore.file;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Counts and SHA-256-hashes the bytes on their way to storage (the stored object's size and digest). */
final class DigestingOutputStream extends FilterOutputStream {

    private final MessageDigest sha256;
    private long count;

    DigestingOutputStream(OutputStream out) {
        super(out);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha256.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // FilterOutputStream would write byte by byte.
        out.write(b, off, len);
        sha256.update(b, off, len);
        count += len;
    }

    /** Closing is the caller's business (commit or abort of the storage writer), not ours. */
    @Override
    public void close() throws IOException {
        flush();
    }

    long count() {
        return count;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
