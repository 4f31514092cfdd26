package io.guardcluster.filestore.storage;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.s3.S3Client;

/** The {@link ObjectStore} that {@code guard.storage.type} names. */
@ApplicationScoped
class ObjectStoreProducer {

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
