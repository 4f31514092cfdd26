package io.guardcluster.filestore.storage;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where encrypted files live: a directory every replica mounts (the NAS), or an S3 bucket. */
@ConfigMapping(prefix = "guard.storage")
public interface StorageConfig {

    /** Which backend: {@code file} (NAS directory) or {@code s3}. */
    @WithDefault("file")
    Type type();

    File file();

    S3 s3();

    enum Type {
        FILE, S3
    }

    interface File {
        /** The shared directory (OX Guard's {@code com.openexchange.guard.storage.file.uploadDirectory}). */
        @WithDefault("/var/lib/guard/files")
        Path uploadDirectory();
    }

    interface S3 {
        /** The bucket; endpoint, region, path style and credentials are the {@code quarkus.s3.*} properties. */
        Optional<String> bucket();
    }
}
