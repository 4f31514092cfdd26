package io.guardcluster.gateway;

import io.guardcluster.testing.ServiceStartupContract;

/** The packaged gateway refuses a foreign, missing or malformed oxguardpass and rides out outages of its dependencies. */
class GatewayStartupIT extends ServiceStartupContract {

    GatewayStartupIT() {
        super(false);
    }
}
