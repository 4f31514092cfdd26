package io.guardcluster.filestore.storage;

import java.io.InputStream;
import java.time.Duration;

/**
 * Where the bytes of stored files live: the NAS directory ({@link NasObjectStore}) or an S3 bucket
 * ({@link S3ObjectStore}), whichever {@code guard.storage.type} names; both behave the same. Objects
 * are written once under a caller-chosen key ({@link ObjectKeys}), become visible only when complete,
 * and are read as streams, so memory stays constant whatever their size.
 *
 * <p>A store is thread-safe (a writer is not: one upload, one thread). Every method blocks on I/O: call
 * it on a worker thread, never on the event loop. Every method
 * throws {@link IllegalArgumentException} for a key that is not {@link ObjectKeys#VALID}, and
 * {@link StorageUnavailableException} when the storage cannot be reached or used.
 */
public interface ObjectStore {

    /** {@code file} or {@code s3}: for logs and the {@code backend} tag of the metrics. */
    String backend();

    /**
     * Starts writing the object {@code key}. Nothing is visible under {@code key} until the writer's
     * {@link ObjectWriter#commit()}.
     */
    ObjectWriter create(String key);

    /**
     * The committed object {@code key}, streamed from the storage. The caller closes it.
     *
     * @throws ObjectNotFoundException if there is no committed object {@code key}
     */
    InputStream open(String key);

    /**
     * The committed object {@code key} from byte {@code offset} on (for HTTP range requests).
     *
     * @throws IllegalArgumentException if {@code offset} is negative or beyond the object's size (equal
     *                                  to the size gives an empty stream)
     * @throws ObjectNotFoundException  if there is no committed object {@code key}
     */
    InputStream open(String key, long offset);

    /**
     * The size in bytes of the committed object {@code key}.
     *
     * @throws ObjectNotFoundException if there is no committed object {@code key}
     */
    long size(String key);

    /** Removes the committed object {@code key}; removing one that does not exist is not an error. */
    void delete(String key);

    /**
     * Removes what uploads that never committed or aborted left behind (a replica crashed, a connection
     * was lost before the abort reached the storage): temporary files on NAS, incomplete multipart uploads
     * on S3, when older than {@code olderThan}. An upload still in progress that is younger survives.
     * Safe to run on several replicas at once.
     *
     * @return how many leftovers were removed
     */
    int removeLeftovers(Duration olderThan);
}
