package io.guardcluster.mailservice;

import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(GuardStackResource.class)
class MailServiceHealthTest extends ServiceContract {

    @Override
    protected String[] dependencyChecks() {
        return new String[0];
    }

    @Override
    protected String apiPrefix() {
        return "/api/mail";
    }
}
