package io.guardcluster.filestore.file;

import java.util.Map;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The same file API with files in an S3 bucket (S3Proxy). */
@QuarkusTest
@TestProfile(S3FileApiTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "storage", value = "s3"), @ResourceArg(name = "keyService", value = "true") })
class S3FileApiTest extends FileApiContract {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.files.max-size", "4M");
        }
    }
}
