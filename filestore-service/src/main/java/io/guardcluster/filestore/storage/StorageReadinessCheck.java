package io.guardcluster.filestore.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ready only if the configured storage accepts writes right now: on NAS a probe file is created and
 * removed (an unmounted or read-only share fails here, not on a user's upload); on S3 the bucket
 * must answer HEAD. Runs on a worker thread (SmallRye Health runs blocking checks there).
 */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {

    private final StorageConfig config;
    private final Instance<S3Client> s3;

    StorageReadinessCheck(StorageConfig config, Instance<S3Client> s3) {
        this.config = config;
        this.s3 = s3;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("storage")
                .withData("type", config.type().name().toLowerCase());
        return switch (config.type()) {
            case FILE -> probeDirectory(response, config.file().uploadDirectory());
            case S3 -> probeBucket(response);
        };
    }

    private static HealthCheckResponse probeDirectory(HealthCheckResponseBuilder response, Path dir) {
        response.withData("directory", dir.toString());
        if (!Files.isDirectory(dir)) {
            return response.down().withData("problem", "not a directory (is the share mounted?)").build();
        }
        Path probe = dir.resolve(".guard-probe-" + UUID.randomUUID());
        try {
            Files.writeString(probe, "probe");
            Files.delete(probe);
            return response.up().build();
        } catch (IOException e) {
            return response.down().withData("problem", "not writable: " + e.getClass().getSimpleName()).build();
        }
    }

    private HealthCheckResponse probeBucket(HealthCheckResponseBuilder response) {
        if (config.s3().bucket().isEmpty()) {
            return response.down().withData("problem", "guard.storage.s3.bucket is not set").build();
        }
        String bucket = config.s3().bucket().get();
        response.withData("bucket", bucket);
        try {
            s3.get().headBucket(b -> b.bucket(bucket));
            return response.up().build();
        } catch (SdkException e) {
            return response.down().withData("problem", e.getClass().getSimpleName()).build();
        }
    }
}
