package io.guardcluster.common.cluster;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a node finds the cluster's master secret, and how it checks it against the database. */
@ConfigMapping(prefix = "guard.master-key")
public interface MasterKeyConfig {

    /** Path of {@code oxguardpass}; in Kubernetes a read-only mounted (sealed) secret. */
    @WithDefault("/opt/guard/oxguardpass")
    Path file();

    /** How long startup waits for the database to answer the fingerprint check before going on not-ready. */
    @WithDefault("5s")
    Duration verifyTimeout();

    /** While the database is unreachable, how often the check is retried (readiness stays DOWN until it passes). */
    @WithDefault("3s")
    Duration verifyRetryInterval();
}
