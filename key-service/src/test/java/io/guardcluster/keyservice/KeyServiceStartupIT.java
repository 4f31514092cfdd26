package io.guardcluster.keyservice;

import io.guardcluster.testing.ServiceStartupContract;

/** The packaged key-service refuses a foreign, missing or malformed oxguardpass and rides out outages of its dependencies. */
class KeyServiceStartupIT extends ServiceStartupContract {

    KeyServiceStartupIT() {
        super(true);
    }
}
