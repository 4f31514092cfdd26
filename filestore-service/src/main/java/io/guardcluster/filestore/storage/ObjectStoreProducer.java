package io.guardcluster.filestore.storage;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.guardcluster.common.cluster.StartupRefusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.s3.S3Client;

/** The {@link ObjectStore} that {@code guard.storage.type} names. */
@ApplicationScoped
class ObjectStoreProducer {

    /** Exit code of a refused start for a setting no run could work with (sysexits' EX_CONFIG). */
    static final int EX_CONFIG = 78;

    /**
     * A part size S3 refuses would fail every large upload; say so at boot rather than on the first
     * upload. (The store itself is made on first use, so an unreachable S3 never stops the boot.)
     */
    void checkSettings(@Observes StartupEvent started, StorageConfig config, StartupRefusal refusal) {
        if (config.type() == StorageConfig.Type.S3) {
            try {
                S3ObjectStore.checkPartSize(config.s3().partSize().asLongValue());
            } catch (IllegalArgumentException e) {
                refusal.refuseStartup(e.getMessage(), EX_CONFIG);
            }
        }
    }

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(StorageConfig config, Instance<S3Client> s3, MeterRegistry registry) {
        StorageMetrics metrics = new StorageMetrics(registry, config.type().name().toLowerCase());
        return switch (config.type()) {
            case FILE -> new NasObjectStore(config.file().uploadDirectory(), Clock.systemUTC(), metrics);
            case S3 -> new S3ObjectStore(s3.get(), config.s3().bucket()
                    // Not a startup failure: the service runs and reports not-ready (see StorageReadinessCheck).
                    .orElseThrow(() -> new StorageUnavailableException("guard.storage.s3.bucket is not set")),
                    config.s3().keyPrefix(), config.s3().partSize().asLongValue(), Clock.systemUTC(), metrics);
        };
    }
}
