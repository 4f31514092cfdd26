package io.guardcluster.mailservice;

import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.ServiceHealthContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(GuardStackResource.class)
class MailServiceHealthTest extends ServiceHealthContract {

    @Override
    protected String[] dependencyChecks() {
        return new String[0];
    }
}
