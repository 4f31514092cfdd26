package io.guardcluster.filestore.storage;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "storage", value = "file"))
class NasStorageHealthTest extends ServiceContract {

    @Override
    protected String[] dependencyChecks() {
        return new String[] { "storage" };
    }

    @Test
    void notReadyWhileTheShareIsMissingAndReadyAgainWhenItReturns() throws Exception {
        Path share = Path.of(ConfigProvider.getConfig().getValue("guard.storage.file.upload-directory", String.class));
        Path unmounted = share.resolveSibling(share.getFileName() + "-unmounted");
        Files.move(share, unmounted);
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'storage' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'storage' }.data.problem", is("not a directory (is the share mounted?)"));
        } finally {
            Files.move(unmounted, share);
        }
        await().until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Override
    protected String apiPrefix() {
        return "/api/files";
    }
}
