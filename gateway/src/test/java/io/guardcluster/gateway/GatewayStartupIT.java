package io.guardcluster.gateway;

import java.util.Map;

import io.guardcluster.testing.ServiceStartupContract;
import io.guardcluster.testing.TestCluster;

/** The packaged gateway refuses a foreign, missing or malformed oxguardpass and rides out database outages. */
class GatewayStartupIT extends ServiceStartupContract {

    @Override
    protected Map<String, String> dependencies() {
        return TestCluster.asEnvironment(TestCluster.get().infinispanConfig());
    }

    @Override
    protected String[] dependencyChecks() {
        return new String[] { "Infinispan cluster connection health check" };
    }
}
