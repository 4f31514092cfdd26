package io.guardcluster.filestore.file;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Dependencies down: the NAS share gone, key-service unreachable. The user gets a 503 that says so, nothing is
 * half-stored, and the service recovers by itself.
 */
@QuarkusTest
@TestProfile(FileApiOutageTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "storage", value = "file"), @ResourceArg(name = "keyService", value = "true") })
class FileApiOutageTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.files.max-size", "4M");
        }
    }

    @ConfigProperty(name = "guard.storage.file.upload-directory")
    Path share;

    @Test
    void theShareGoneIsA503AndNothingIsHalfStored() throws Exception {
        InternalIdentity user = TestUsers.fresh("outage");
        FileApiContract.keyFor(user, "outage password");
        Path moved = share.resolveSibling(share.getFileName() + "-unmounted");
        Files.move(share, moved);
        try {
            given().filter(TestUsers.as(user)).contentType("application/octet-stream").body(new byte[100_000])
                    .queryParam("name", "while-down.bin").post("/api/files")
                    .then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", not(equalTo(null)))
                    .body("detail", not(containsString("Exception")));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            Files.move(moved, share);
        }
        given().filter(TestUsers.as(user)).get("/api/files").then().statusCode(200).body("size()", equalTo(0));
        given().filter(TestUsers.as(user)).contentType("application/octet-stream").body(new byte[100_000])
                .queryParam("name", "after.bin").post("/api/files").then().statusCode(201);
        given().get("/q/health/ready").then().statusCode(200);
        try (var files = Files.walk(share)) {
            assertThat(files.filter(Files::isRegularFile).filter(p -> p.toString().contains(".tmp")).count())
                    .as("temporary files left in the share").isZero();
        }
    }
}
