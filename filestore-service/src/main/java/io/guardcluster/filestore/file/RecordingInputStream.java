package io.guardcluster.filestore.file;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Remembers the first bytes read through it (up to a bound), so that an upload can be checked by a parser and
 * then stored byte for byte: what the parser consumed, then the rest.
 */
final class RecordingInputStream extends FilterInputStream {

    private final int limit;
    private ByteArrayOutputStream recorded = new ByteArrayOutputStream();

    RecordingInputStream(InputStream in, int limit) {
        super(in);
        this.limit = limit;
    }

    byte[] recorded() {
        return recorded == null ? new byte[0] : recorded.toByteArray();
    }

    void stopRecording() {
        recorded = null;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && recorded != null) {
            record(new byte[] { (byte) b }, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0 && recorded != null) {
            record(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // A skip would lose bytes we must store: read them instead.
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void record(byte[] b, int off, int len) throws IOException {
        if (recorded.size() + len > limit) {
            throw new IOException("the start of the message is longer than " + limit + " bytes");
        }
        recorded.write(b, off, len);
    }
}
