package io.guardcluster.mailservice;

import io.guardcluster.testing.ServiceStartupContract;

/** The packaged mail-service refuses a foreign, missing or malformed oxguardpass and rides out outages of its dependencies. */
class MailServiceStartupIT extends ServiceStartupContract {

    MailServiceStartupIT() {
        super(false);
    }
}
