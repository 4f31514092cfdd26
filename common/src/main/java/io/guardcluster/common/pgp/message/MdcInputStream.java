package io.guardcluster.common.pgp.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

import org.bouncycastle.openpgp.operator.PGPDigestCalculator;

/**
 * The content of a SEIPD v1 packet (RFC 9580 5.13.1), decrypted, checked against its modification detection code.
 * <p>
 * The decrypted packet is: a random prefix (one cipher block plus two repeated bytes), the packets inside, then an
 * MDC packet (0xD3 0x14 and the SHA-1 of everything before its last 20 bytes). This stream hands out the packets
 * inside, holding back the last 22 bytes read so far because they may be the MDC packet; at the end of the input it
 * checks the MDC and throws {@link MessageIntegrityException} unless it matches: the read that reaches the end fails.
 * <p>
 * The prefix's "quick check" bytes are deliberately not checked: an early answer on them is a known oracle
 * (Mister and Zuccherato; RFC 9580 advises against acting on them), and the MDC catches a wrong key anyway.
 */
final class MdcInputStream extends InputStream {

    /** 0xD3 0x14: the MDC packet's header (new format, tag 19, length 20), then 20 bytes of SHA-1. */
    private static final int MDC_LENGTH = 22;

    private final InputStream in;
    private final PGPDigestCalculator calculator;
    private final OutputStream digest;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean verified;

    MdcInputStream(InputStream decrypted, PGPDigestCalculator calculator, int blockSize) throws IOException {
        this.in = decrypted;
        this.calculator = calculator;
        this.digest = calculator.getOutputStream();
        byte[] prefix = new byte[blockSize + 2];
        if (in.readNBytes(prefix, 0, prefix.length) != prefix.length) {
            throw new MessageIntegrityException();
        }
        digest.write(prefix);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (limit - pos <= MDC_LENGTH && !eof) {
            fill();
        }
        int releasable = limit - pos - MDC_LENGTH;
        if (releasable <= 0) {
            // eof: what is held back must be exactly the MDC packet
            verify();
            return -1;
        }
        int n = Math.min(len, releasable);
        System.arraycopy(buffer, pos, b, off, n);
        digest.write(buffer, pos, n);
        pos += n;
        return n;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        if (limit - pos != MDC_LENGTH || buffer[pos] != (byte) 0xD3 || buffer[pos + 1] != 0x14) {
            throw new MessageIntegrityException();
        }
        digest.write(buffer, pos, 2);
        byte[] expected = calculator.getDigest();
        byte[] actual = java.util.Arrays.copyOfRange(buffer, pos + 2, pos + MDC_LENGTH);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new MessageIntegrityException();
        }
        verified = true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
