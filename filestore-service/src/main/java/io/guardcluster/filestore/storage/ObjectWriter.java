package io.guardcluster.filestore.storage;

import java.io.OutputStream;
import java.util.Objects;

/**
 * An object being written: bytes go to a temporary place that nobody sees; {@link #commit()} makes
 * the whole object visible under its key in one atomic step; {@link #abort()} (and {@link #close()}
 * without a commit) throws away everything written. So a reader sees either no object or the complete
 * one, whatever happens to the upload: a client that disconnects, a failing source, a full disk, a
 * crash (a crash leaves a leftover that {@link ObjectStore#removeLeftovers} removes later).
 *
 * <p>Memory stays bounded whatever the size: bytes are handed to the storage as they come, at most one
 * buffer (NAS: 64 KiB; S3: one part) is held. Use it like this:
 *
 * <pre>
 * try (ObjectWriter out = store.create(key)) {
 *     source.transferTo(out);   // any failure here: close() aborts
 *     out.commit();
 * }
 * </pre>
 *
 * <p>Because {@code close()} means "abort unless committed", do not hand it to code that closes the
 * stream it writes to as a way of finishing it; commit first. Storage failures surface as
 * {@link StorageUnavailableException} from {@code write} or {@code commit}, after the
 * writer has aborted itself. Not thread-safe: one writer belongs to one thread at a time.
 */
public abstract class ObjectWriter extends OutputStream {

    private enum State {
        OPEN, COMMITTED, ABORTED
    }

    private final String key;
    private final StorageMetrics metrics;
    private final byte[] single = new byte[1];
    private State state = State.OPEN;
    private long size;

    // Package-private: only the stores in this package write objects.
    ObjectWriter(String key, StorageMetrics metrics) {
        this.key = key;
        this.metrics = metrics;
    }

    /** The key the object becomes visible under when committed. */
    public final String key() {
        return key;
    }

    /** Bytes written so far; after {@link #commit()}, the object's size. */
    public final long size() {
        return size;
    }

    public final boolean isCommitted() {
        return state == State.COMMITTED;
    }

    @Override
    public final void write(int b) {
        single[0] = (byte) b;
        write(single, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        requireOpen();
        try {
            writeBytes(b, off, len);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        size += len;
        metrics.written(len);
    }

    /**
     * Makes the object visible under {@link #key()}, complete, atomically, and durable once this returns.
     * An existing object under the same key is replaced (callers use fresh keys, so this does not happen).
     *
     * @throws StorageUnavailableException if the storage failed; the writer has aborted, nothing is visible
     * @throws IllegalStateException       if already committed or aborted
     */
    public final void commit() {
        requireOpen();
        try {
            commitObject();
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        state = State.COMMITTED;
        metrics.committed();
    }

    /** Throws away everything written; idempotent, never throws, a no-op after {@link #commit()}. */
    public final void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        metrics.aborted();
        discard();
    }

    /** Aborts unless committed. */
    @Override
    public final void close() {
        abort();
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("object " + key + " was already " + state.name().toLowerCase());
        }
    }

    /** Hands bytes to the storage (or its one buffer); throws {@link StorageUnavailableException}. */
    abstract void writeBytes(byte[] b, int off, int len);

    /** Writes what is buffered and makes the object visible; throws {@link StorageUnavailableException}. */
    abstract void commitObject();

    /** Removes whatever was written and releases the buffer; must not throw (a leftover is for the cleanup). */
    abstract void discard();
}
