package io.guardcluster.filestore.storage;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Removes what interrupted uploads left in the storage (see {@link ObjectStore#removeLeftovers}), every
 * {@code guard.storage.cleanup-interval}, the first time a minute after boot, so a replica that crashed
 * cleans up after itself when it comes back. Every replica runs it; that is harmless.
 */
@ApplicationScoped
class LeftoverCleanup {

    private static final Logger LOG = Logger.getLogger(LeftoverCleanup.class);

    private final ObjectStore store;
    private final StorageConfig config;

    LeftoverCleanup(ObjectStore store, StorageConfig config) {
        this.store = store;
        this.config = config;
    }

    // The first run waits a minute: boot has settled by then, and a refused boot has ended.
    @Scheduled(identity = "storage-leftover-cleanup", every = "{guard.storage.cleanup-interval}", delay = 1,
            delayUnit = TimeUnit.MINUTES, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            int removed = store.removeLeftovers(config.leftoverAge());
            if (removed > 0) {
                LOG.infof("removed %d leftovers of interrupted uploads from the %s storage", removed, store.backend());
            }
        } catch (StorageUnavailableException e) {
            // The store has logged the failure and readiness reports it; the next run tries again.
            LOG.debugf("leftover cleanup skipped: %s", e.reason());
        }
    }
}
