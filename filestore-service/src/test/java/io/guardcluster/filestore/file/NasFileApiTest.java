package io.guardcluster.filestore.file;

import java.util.Map;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The file API with files on a NAS directory. */
@QuarkusTest
@TestProfile(NasFileApiTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "storage", value = "file"), @ResourceArg(name = "keyService", value = "true") })
class NasFileApiTest extends FileApiContract {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.files.max-size", "4M");
        }
    }
}
