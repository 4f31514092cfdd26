package io.guardcluster.common.info;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a service says about itself and the caller: which service and replica answered, and for whom.
 * The gateway's routing and affinity tests read {@code replica} to see where a request landed.
 */
@RegisterForReflection
public record ServiceInfo(String service, String version, String replica, int contextId, int userId, String email) {
}
