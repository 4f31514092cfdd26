package io.guardcluster.filestore.file;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** key-service unreachable: uploads and downloads answer 503 with a clear problem, and nothing is stored. */
@QuarkusTest
@TestProfile(KeyServiceDownTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "storage", value = "file"))
class KeyServiceDownTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Two "replicas" nobody listens on: the call fails over once, then gives up.
            return Map.of("quarkus.stork.key-service.service-discovery.type", "static",
                    "quarkus.stork.key-service.service-discovery.address-list",
                    "127.0.0.1:" + Ports.freePort() + ",127.0.0.1:" + Ports.freePort());
        }
    }

    @Test
    void anUploadIsA503AndLeavesNothing() {
        InternalIdentity user = TestUsers.fresh("no-keys");
        given().filter(TestUsers.as(user)).contentType("application/octet-stream").body(new byte[1000])
                .queryParam("name", "x.bin").post("/api/files")
                .then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:guard:problem:key-service-unavailable"))
                .header("Retry-After", not(equalTo(null)));
        given().filter(TestUsers.as(user)).get("/api/files").then().statusCode(200).body("size()", equalTo(0));
    }
}
