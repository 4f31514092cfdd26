package io.guardcluster.keyservice.key;

import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** OX Guard's "nodeleteprivate": a deployment that forbids deleting private keys. */
@QuarkusTest
@TestProfile(NoDeletePrivateTest.NoDelete.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class NoDeletePrivateTest {

    public static class NoDelete implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.keys.no-delete-private", "true");
        }
    }

    @Test
    void deletingAPrivateKeyIsForbiddenAndKeepsIt() {
        KeyApi api = KeyApi.fresh("keeper");
        String fingerprint = api.createKey("keeper-password");
        api.delete("/api/keys/" + fingerprint, "password", "keeper-password").statusCode(403)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:delete-forbidden"));
        api.request().get("/api/keys").then().body("", hasSize(1));
        // Revoking stays possible: that is what the deployment wants users to do instead.
        api.post("/api/keys/" + fingerprint + "/revoke", "password", "keeper-password").statusCode(200);
    }
}
