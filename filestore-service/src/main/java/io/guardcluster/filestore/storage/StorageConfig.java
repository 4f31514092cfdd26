package io.guardcluster.filestore.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where encrypted files live: a directory every replica mounts (the NAS), or an S3 bucket. */
@ConfigMapping(prefix = "guard.storage")
public interface StorageConfig {

    /** Which backend: {@code file} (NAS directory) or {@code s3}. */
    @WithDefault("file")
    Type type();

    /**
     * How often each replica looks for leftovers of uploads that never completed (a crashed replica, a
     * lost connection): temporary files on NAS, incomplete multipart uploads on S3. A duration such as
     * {@code 1h} or {@code 30m}, or {@code off} (hence a string: the scheduler reads it as it is). Running it
     * on every replica is harmless: removing a leftover twice is a no-op.
     */
    @WithDefault("1h")
    String cleanupInterval();

    /**
     * A leftover is removed once it is older than this. It must be longer than the longest pause an
     * upload in progress can take between two writes (NAS) or than the longest upload (S3, where the
     * age counts from the upload's start), or the cleanup removes a live upload and its commit fails.
     */
    @WithDefault("1h")
    Duration leftoverAge();

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
        /** The bucket; endpoint, region, path style, credentials and timeouts are the {@code quarkus.s3.*} properties. */
        Optional<String> bucket();

        /** Prepended to every object key, so the bucket can hold other things too. */
        @WithDefault("files/")
        String keyPrefix();

        /**
         * Size of one part of a multipart upload, between 5M (the S3 minimum) and 512M. Each upload in
         * progress holds at most one part in memory, so this bounds an upload's memory; at most 10,000
         * parts make an object, so it also bounds an object's size (8M: 78 GiB). Outside that range the
         * service refuses to start (exit code 78).
         */
        @WithDefault("8M")
        MemorySize partSize();
    }
}
