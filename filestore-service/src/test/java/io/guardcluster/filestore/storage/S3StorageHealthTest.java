package io.guardcluster.filestore.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The same health contract with S3 storage, against a real S3Proxy server. */
@QuarkusTest
@TestProfile(S3StorageHealthTest.S3Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "storage", value = "s3"))
class S3StorageHealthTest extends ServiceContract {

    /** A profile of its own so Quarkus restarts the app with the S3 settings. */
    public static class S3Profile implements QuarkusTestProfile {
    }

    @Override
    protected String[] dependencyChecks() {
        return new String[] { "storage" };
    }

    @Test
    void reportsTheBucket() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'storage' }.data.type", is("s3"))
                .body("checks.find { it.name == 'storage' }.data.bucket", is("guard-files"));
    }

    @Override
    protected String apiPrefix() {
        return "/api/files";
    }
}
