package io.guardcluster.filestore.storage;

import io.guardcluster.common.problem.GuardProblemException;

/**
 * The storage cannot be used right now: S3 does not answer or refuses, the NAS directory is missing,
 * not a directory, not writable or full. Whatever was being written is not visible (uploads commit
 * atomically), and nothing committed was touched, so the caller can simply try again later.
 *
 * <p>It is a {@link GuardProblemException}, so common's problem mapper answers it as 503
 * {@code application/problem+json} ({@code urn:guard:problem:storage-unavailable}) with
 * {@code Retry-After}. The detail shown to users is always the same generic sentence: the reason
 * names paths, buckets and low-level errors, which belong in the operator's log (see {@link #reason()}),
 * not in a response.
 */
public class StorageUnavailableException extends GuardProblemException {

    public static final String SLUG = "storage-unavailable";
    public static final String DETAIL = "file storage is unavailable right now; nothing was stored or lost, try again later";
    /** Outages worth a 503 (a restarting S3 endpoint, a remounting share) usually last seconds to a minute. */
    static final long RETRY_AFTER_SECONDS = 30;

    private final String reason;

    public StorageUnavailableException(String reason) {
        super(503, SLUG, "Service unavailable", DETAIL, RETRY_AFTER_SECONDS);
        this.reason = reason;
    }

    /** What went wrong, for the log: may name the directory, bucket and the underlying error. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + reason;
    }
}
