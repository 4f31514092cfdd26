package io.guardcluster.keyservice;

import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyServiceHealthTest extends ServiceContract {

    @Override
    protected String[] dependencyChecks() {
        // Infinispan is not among them: key-service serves (slower) without it.
        return new String[0];
    }

    @Override
    protected String apiPrefix() {
        return "/api/keys";
    }
}
