package io.guardcluster.keyservice.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.keyservice.directory.DirectoryFixture.StoredKey;
import io.guardcluster.keyservice.directory.wkd.WkdHash;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** WKD with guard.directory.wkd.domains set: only those domains, and the direct method needs no matching Host. */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@TestProfile(DirectoryWkdConfiguredDomainsTest.OneDomain.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryWkdConfiguredDomainsTest {

    static final String DOMAIN = "wkd-configured.example.net";

    public static class OneDomain implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.directory.wkd.domains", DOMAIN.toUpperCase());
        }
    }

    private InternalIdentity frank;
    private StoredKey frankCurrent;
    private InternalIdentity grace;

    @BeforeAll
    void keys() {
        frank = DirectoryFixture.userIn("frank", DOMAIN);
        frankCurrent = DirectoryFixture.v4Key(frank, true, false, "Frank <" + frank.email() + ">");
        grace = DirectoryFixture.user("grace");
        DirectoryFixture.v4Key(grace, true, false, "Grace <" + grace.email() + ">");
    }

    @Test
    void directMethodServesTheOnlyConfiguredDomainWhateverTheHost() {
        String hash = WkdHash.of(MailAddress.localPartOf(frank.email()));
        byte[] body = given().header("Host", "10.0.0.7:8081").get("/.well-known/openpgpkey/hu/" + hash)
                .then().statusCode(200).contentType(equalTo("application/octet-stream")).extract().asByteArray();
        assertThat(DirectoryFixture.fingerprint(DirectoryFixture.read(body).get(0).getPublicKey()))
                .isEqualTo(frankCurrent.fingerprint());
        given().get("/.well-known/openpgpkey/" + DOMAIN + "/hu/" + hash).then().statusCode(200);
        given().get("/.well-known/openpgpkey/policy").then().statusCode(200);
        given().get("/.well-known/openpgpkey/" + DOMAIN + "/policy").then().statusCode(200);
    }

    @Test
    void otherDomainsAreNotServedEvenWithUsers() {
        String hash = WkdHash.of(MailAddress.localPartOf(grace.email()));
        given().get("/.well-known/openpgpkey/example.com/hu/" + hash).then().statusCode(404)
                .body("type", equalTo("urn:guard:problem:wkd-unknown-domain"));
        given().get("/.well-known/openpgpkey/example.com/policy").then().statusCode(404);
        // Direct method for example.com: answered for the configured domain, where Grace is unknown.
        given().header("Host", "example.com").get("/.well-known/openpgpkey/hu/" + hash).then().statusCode(404);
    }
}
