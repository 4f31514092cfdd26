package io.guardcluster.common.cluster;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once this node's {@code oxguardpass} has been verified against the cluster's database. */
@Readiness
@ApplicationScoped
public class MasterKeyReadinessCheck implements HealthCheck {

    private final ClusterMasterKey masterKey;

    MasterKeyReadinessCheck(ClusterMasterKey masterKey) {
        this.masterKey = masterKey;
    }

    @Override
    public HealthCheckResponse call() {
        ClusterMasterKey.State state = masterKey.state();
        return HealthCheckResponse.named("master-key")
                .status(state == ClusterMasterKey.State.VERIFIED)
                .withData("state", state.name())
                .build();
    }
}
