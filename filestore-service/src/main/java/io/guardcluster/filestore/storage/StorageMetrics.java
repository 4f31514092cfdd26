package io.guardcluster.filestore.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the object store does, per backend ({@code backend=file|s3}): bytes written and read, commits,
 * aborts, leftovers removed, and operations that failed because the storage was unavailable.
 */
final class StorageMetrics {

    private final Counter written;
    private final Counter read;
    private final Counter commits;
    private final Counter aborts;
    private final Counter leftoversRemoved;
    private final Counter unavailable;

    StorageMetrics(MeterRegistry registry, String backend) {
        written = Counter.builder("guard.storage.written").baseUnit("bytes").tag("backend", backend)
                .description("Bytes written into objects, including uploads later aborted").register(registry);
        read = Counter.builder("guard.storage.read").baseUnit("bytes").tag("backend", backend)
                .description("Bytes read from objects").register(registry);
        commits = Counter.builder("guard.storage.commits").tag("backend", backend)
                .description("Objects made visible").register(registry);
        aborts = Counter.builder("guard.storage.aborts").tag("backend", backend)
                .description("Uploads abandoned before commit (explicitly, by close, or after a failure)").register(registry);
        leftoversRemoved = Counter.builder("guard.storage.leftovers.removed").tag("backend", backend)
                .description("Temporary files or incomplete multipart uploads removed by the cleanup").register(registry);
        unavailable = Counter.builder("guard.storage.unavailable").tag("backend", backend)
                .description("Operations that failed because the storage was unavailable").register(registry);
    }

    void written(long bytes) {
        written.increment(bytes);
    }

    void committed() {
        commits.increment();
    }

    void aborted() {
        aborts.increment();
    }

    void leftoversRemoved(int count) {
        leftoversRemoved.increment(count);
    }

    void unavailable() {
        unavailable.increment();
    }

    /** {@code in}, counting what the caller reads from it. */
    InputStream countingReads(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    read.increment();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read.increment(n);
                }
                return n;
            }

            // FilterInputStream.skip would delegate past the counter; skipped bytes are not read bytes, which is right.
        };
    }
}
