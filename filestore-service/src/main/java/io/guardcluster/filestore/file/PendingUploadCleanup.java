package io.guardcluster.filestore.file;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.guardcluster.filestore.file.repository.FileRepository;
import io.guardcluster.filestore.storage.ObjectStore;
import io.quarkus.scheduler.Scheduled;

/**
 * Gives up uploads whose row stayed pending past {@code guard.files.pending-lifetime} (the replica crashed or lost
 * its database mid-upload): removes what they may have stored, then their row. Object first, so a failure leaves
 * the row for the next run rather than an object nobody can find. Safe on every replica at once (deletes are
 * idempotent).
 */
@ApplicationScoped
public class PendingUploadCleanup {

    private static final Logger LOG = Logger.getLogger(PendingUploadCleanup.class);
    private static final int BATCH = 100;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FileRepository files;
    private final ObjectStore store;
    private final FilesConfig config;

    PendingUploadCleanup(FileRepository files, ObjectStore store, FilesConfig config) {
        this.files = files;
        this.store = store;
        this.config = config;
    }

    @Scheduled(every = "${guard.files.cleanup-interval:15m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int removed = run();
            if (removed > 0) {
                LOG.infof("removed %d uploads that never finished", removed);
            }
        } catch (RuntimeException e) {
            LOG.warnf("cleanup of unfinished uploads failed (next run retries): %s", e.getMessage());
        }
    }

    /** One pass; how many pending uploads were removed. Blocking. */
    public int run() {
        Instant before = Instant.now().minus(config.pendingLifetime());
        int removed = 0;
        List<Map.Entry<Long, String>> stale;
        do {
            stale = files.stalePending(before, BATCH).await().atMost(WAIT);
            for (Map.Entry<Long, String> upload : stale) {
                store.delete(upload.getValue());
                files.deletePending(upload.getKey()).await().atMost(WAIT);
                removed++;
            }
        } while (stale.size() == BATCH);
        return removed;
    }
}
