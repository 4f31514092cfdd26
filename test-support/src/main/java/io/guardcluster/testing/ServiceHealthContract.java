package io.guardcluster.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What every service's {@code @QuarkusTest} shows about health, errors and secrets, against the real
 * servers of {@link GuardStackResource}. A service's {@code *HealthTest} extends it, annotated with
 * {@code @QuarkusTest} and the resource, and names its dependency checks.
 */
public abstract class ServiceHealthContract {

    /** Names of the readiness checks that must be UP besides the master key and the database. */
    protected abstract String[] dependencyChecks();

    @Test
    void readyWithItsDependenciesAndAVerifiedMasterKey() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("master-key", "Reactive MySQL connections health check"))
                .body("checks.name", hasItems(dependencyChecks()))
                .body("checks.find { it.name == 'master-key' }.data.state", is("VERIFIED"));
    }

    @Test
    void live() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void unknownPathIsAProblemJson404() {
        given().get("/no/such/thing").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:http-404"))
                .body("title", is("Not Found"))
                .body("status", is(404))
                .body("instance", is("/no/such/thing"));
    }

    @Test
    void noKeyMaterialInLogsHealthOrMetrics() throws IOException {
        SecretScanner scanner = SecretScanner.forFile(TestCluster.get().masterKeyFile());
        scanner.assertClean("/q/health", given().get("/q/health").asString());
        scanner.assertClean("/q/metrics", given().get("/q/metrics").asString());
        Path log = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.file.path", String.class));
        scanner.assertClean("the service log " + log, Files.readString(log));
    }
}
