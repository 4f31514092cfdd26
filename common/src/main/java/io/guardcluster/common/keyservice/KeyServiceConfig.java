package io.guardcluster.common.keyservice;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How a service reaches key-service for private-key operations. Replicas come from SmallRye Stork
 * ({@code quarkus.stork.<service-name>.service-discovery.*}): a static list locally, DNS or Kubernetes
 * discovery in a cluster.
 */
@ConfigMapping(prefix = "guard.key-service")
public interface KeyServiceConfig {

    /** The Stork service name of key-service. */
    @WithDefault("key-service")
    String serviceName();

    /** The longest one call may take (connect + answer); then the caller gets a 503. */
    @WithDefault("5s")
    Duration timeout();

    /** How long a connect may take before the call is sent to another replica. */
    @WithDefault("1s")
    Duration connectTimeout();
}
