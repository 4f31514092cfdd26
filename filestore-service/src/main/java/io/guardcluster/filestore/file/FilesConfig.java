package io.guardcluster.filestore.file;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and housekeeping of encrypted files. */
@ConfigMapping(prefix = "guard.files")
public interface FilesConfig {

    /** The largest file accepted (plaintext bytes, or the encrypted upload's bytes for .pgp files). */
    @WithDefault("2G")
    MemorySize maxSize();

    /** The most recipients one file may have (its owner included). */
    @WithDefault("50")
    int maxRecipients();

    /**
     * An upload whose row is still pending after this long is given up (crash, client gone): the cleanup
     * deletes its row and whatever it left in storage. Must exceed the longest upload.
     */
    @WithDefault("6h")
    Duration pendingLifetime();

    /** How often the cleanup runs. */
    @WithDefault("15m")
    Duration cleanupInterval();
}
