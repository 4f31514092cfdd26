package io.guardcluster.mailservice;

import java.util.Map;

import io.guardcluster.testing.ServiceStartupContract;

/** The packaged mail-service refuses a foreign, missing or malformed oxguardpass and rides out database outages. */
class MailServiceStartupIT extends ServiceStartupContract {

    @Override
    protected Map<String, String> dependencies() {
        return Map.of();
    }

    @Override
    protected String[] dependencyChecks() {
        return new String[0];
    }
}
