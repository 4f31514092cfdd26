package io.guardcluster.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.restassured.RestAssured;

/**
 * What every service's {@code @QuarkusTest} shows about health, errors, the gateway's internal
 * identity and secrets, against the real servers of {@link GuardStackResource}. A service's test
 * extends it, annotated with {@code @QuarkusTest} and the resource.
 */
public abstract class ServiceContract {

    /** Names of the readiness checks that must be UP besides the master key and the database. */
    protected abstract String[] dependencyChecks();

    /** The service's API prefix (e.g. {@code /api/keys}), or null if it serves no API of its own. */
    protected abstract String apiPrefix();

    private String versionPath() {
        Assumptions.assumeTrue(apiPrefix() != null, "this service has no API behind the internal identity");
        return apiPrefix() + "/version";
    }

    private String sign(String method, String uri, InternalIdentity identity) {
        try {
            InternalIdentityCodec codec = new InternalIdentityCodec(MasterKeyFile.read(TestCluster.get().masterKeyFile()),
                    Clock.systemUTC());
            return codec.sign(identity, new RequestBinding(method, "localhost:" + RestAssured.port, uri));
        } catch (MasterKeyFileException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InternalIdentity alice() {
        return new InternalIdentity(1, 3, "alice@example.com", Instant.now().plusSeconds(30));
    }

    @Test
    void apiAnswersTheUserTheGatewayVouchedFor() {
        String path = versionPath();
        given().header(InternalIdentityCodec.HEADER, sign("GET", path, alice())).get(path).then().statusCode(200)
                .body("email", is("alice@example.com"))
                .body("contextId", is(1))
                .body("userId", is(3))
                .body("service", is(ConfigProvider.getConfig().getValue("quarkus.application.name", String.class)));
    }

    @Test
    void apiRefusesRequestsWithoutAnIdentity() {
        given().get(versionPath()).then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:identity-required"));
    }

    @Test
    void apiRefusesAReplayedIdentity() {
        String path = versionPath();
        String token = sign("GET", path, alice());
        given().header(InternalIdentityCodec.HEADER, token).get(path).then().statusCode(200);
        given().header(InternalIdentityCodec.HEADER, token).get(path).then().statusCode(401)
                .body("type", is("urn:guard:problem:identity-required"));
    }

    @Test
    void apiRefusesForgedExpiredOrMisboundIdentities() {
        String path = versionPath();
        String valid = sign("GET", path, alice());
        String forged = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        String expired = sign("GET", path, new InternalIdentity(1, 3, "alice@example.com", Instant.now().minusSeconds(1)));
        String otherPath = sign("GET", path + "?other", alice());
        String otherMethod = sign("POST", path, alice());
        String otherCluster = new InternalIdentityCodec(MasterKeyFile.generate(new SecureRandom()), Clock.systemUTC())
                .sign(alice(), new RequestBinding("GET", "localhost:" + RestAssured.port, path));
        for (String token : new String[] { forged, expired, otherPath, otherMethod, otherCluster, "garbage" }) {
            given().header(InternalIdentityCodec.HEADER, token).get(path).then().statusCode(401)
                    .body("detail", is("this service only accepts requests forwarded by the gateway for a signed-in user"));
        }
    }

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
