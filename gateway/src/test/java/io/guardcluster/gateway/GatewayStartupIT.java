package io.guardcluster.gateway;

import java.util.Map;

import io.guardcluster.testing.ServiceStartupContract;

/** The packaged gateway refuses a foreign, missing or malformed oxguardpass and rides out database outages. */
class GatewayStartupIT extends ServiceStartupContract {

    @Override
    protected Map<String, String> dependencies() {
        return Map.of();
    }

    @Override
    protected boolean usesInfinispan() {
        return true;
    }

    @Override
    protected String[] dependencyChecks() {
        return new String[] { "infinispan" };
    }
}
