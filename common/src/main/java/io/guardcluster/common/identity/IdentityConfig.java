package io.guardcluster.common.identity;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Which of a service's paths are open without the gateway's internal identity. */
@ConfigMapping(prefix = "guard.identity")
public interface IdentityConfig {

    /**
     * Path prefixes anyone may call (the public key directory, guest endpoints). Everything else
     * served by JAX-RS needs a valid internal identity; {@code /q/*} (health, metrics) is not JAX-RS.
     */
    Optional<List<String>> publicPaths();
}
