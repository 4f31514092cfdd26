package io.guardcluster.keyservice.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
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
import io.restassured.response.Response;

/** WKD, direct and advanced method, with the default "every domain of a stored user". */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryWkdTest {

    private InternalIdentity alice;
    private StoredKey aliceCurrent;
    private InternalIdentity bob;
    private StoredKey bobRevokedCurrent;
    private InternalIdentity dana;
    private StoredKey danaCurrent;
    private InternalIdentity erin;

    @BeforeAll
    void keys() {
        alice = DirectoryFixture.user("Alice.WKD");
        DirectoryFixture.v4Key(alice, false, true, "Alice Old <" + alice.email() + ">");
        aliceCurrent = DirectoryFixture.v4Key(alice, true, false, "Alice Example <" + alice.email() + ">",
                "Alice Elsewhere <alice@elsewhere.example.org>", "Alice without address");
        bob = DirectoryFixture.user("bob.wkd");
        bobRevokedCurrent = DirectoryFixture.v4Key(bob, true, true, "Bob Revoked <" + bob.email() + ">");
        dana = DirectoryFixture.userIn("dana", "wkd-other.example.net");
        danaCurrent = DirectoryFixture.v4Key(dana, true, false, "Dana <" + dana.email() + ">");
        erin = DirectoryFixture.user("erin");
    }

    static String local(InternalIdentity user) {
        return MailAddress.localPartOf(user.email().toLowerCase());
    }

    static String domain(InternalIdentity user) {
        return MailAddress.domainOf(user.email().toLowerCase());
    }

    private static Response advanced(InternalIdentity user) {
        return given().queryParam("l", local(user))
                .get("/.well-known/openpgpkey/" + domain(user) + "/hu/" + WkdHash.of(local(user)));
    }

    private static List<PGPPublicKeyRing> binaryKeys(Response response) {
        response.then().statusCode(200).contentType(equalTo("application/octet-stream"))
                .header("Cache-Control", equalTo("public, max-age=300"))
                .header("Access-Control-Allow-Origin", equalTo("*"));
        byte[] body = response.asByteArray();
        assertThat(body[0] & 0x80).as("binary OpenPGP packet, not armor").isEqualTo(0x80);
        return DirectoryFixture.read(body);
    }

    private static List<String> userIds(PGPPublicKeyRing ring) {
        List<String> ids = new ArrayList<>();
        ring.getPublicKey().getUserIDs().forEachRemaining(ids::add);
        return ids;
    }

    @Test
    void advancedMethodServesTheCurrentKeyWithOnlyTheMatchingUserId() {
        List<PGPPublicKeyRing> rings = binaryKeys(advanced(alice));
        assertThat(rings).hasSize(1);
        PGPPublicKeyRing ring = rings.get(0);
        assertThat(DirectoryFixture.fingerprint(ring.getPublicKey())).isEqualTo(aliceCurrent.fingerprint());
        assertThat(userIds(ring)).containsExactly("Alice Example <" + alice.email() + ">");
        List<PGPPublicKey> keys = new ArrayList<>();
        ring.getPublicKeys().forEachRemaining(keys::add);
        assertThat(keys).as("the encryption subkey stays").hasSize(2);
        assertThat(DirectoryFixture.fingerprint(keys.get(1))).isEqualTo(aliceCurrent.subkeyFingerprint());
        assertThat(ring.getPublicKey().getSignaturesForID("Alice Example <" + alice.email() + ">").hasNext()).isTrue();
    }

    @Test
    void directMethodUsesTheRequestsHost() {
        String path = "/.well-known/openpgpkey/hu/" + WkdHash.of(local(alice));
        List<PGPPublicKeyRing> rings = binaryKeys(given().header("Host", domain(alice)).queryParam("l", local(alice)).get(path));
        assertThat(DirectoryFixture.fingerprint(rings.get(0).getPublicKey())).isEqualTo(aliceCurrent.fingerprint());
        // Host with a port, and a proxy's X-Forwarded-Host, name the same domain.
        binaryKeys(given().header("Host", domain(alice) + ":8443").get(path));
        binaryKeys(given().header("Host", "10.0.0.7:8081").header("X-Forwarded-Host", domain(alice)).get(path));
        // The hash is of Dana's local part but the request went to example.com: not Dana's key.
        given().header("Host", domain(alice)).get("/.well-known/openpgpkey/hu/" + WkdHash.of(local(dana)))
                .then().statusCode(404).contentType("application/problem+json");
        binaryKeys(given().header("Host", domain(dana)).get("/.well-known/openpgpkey/hu/" + WkdHash.of(local(dana))));
    }

    @Test
    void theHashAloneIsEnoughWithoutL() {
        List<PGPPublicKeyRing> rings = binaryKeys(
                given().get("/.well-known/openpgpkey/" + domain(alice) + "/hu/" + WkdHash.of(local(alice))));
        assertThat(DirectoryFixture.fingerprint(rings.get(0).getPublicKey())).isEqualTo(aliceCurrent.fingerprint());
        // A misleading l= changes nothing: the hash decides.
        rings = binaryKeys(given().queryParam("l", local(bob))
                .get("/.well-known/openpgpkey/" + domain(alice) + "/hu/" + WkdHash.of(local(alice))));
        assertThat(DirectoryFixture.fingerprint(rings.get(0).getPublicKey())).isEqualTo(aliceCurrent.fingerprint());
    }

    @Test
    void revokedCurrentKeyCarriesItsRevocation() {
        List<PGPPublicKeyRing> rings = binaryKeys(advanced(bob));
        assertThat(DirectoryFixture.fingerprint(rings.get(0).getPublicKey())).isEqualTo(bobRevokedCurrent.fingerprint());
        assertThat(rings.get(0).getPublicKey().hasRevocation()).isTrue();
    }

    @Test
    void otherDomainsAdvancedMethod() {
        List<PGPPublicKeyRing> rings = binaryKeys(advanced(dana));
        assertThat(DirectoryFixture.fingerprint(rings.get(0).getPublicKey())).isEqualTo(danaCurrent.fingerprint());
        given().get("/.well-known/openpgpkey/" + domain(alice) + "/hu/" + WkdHash.of(local(dana))).then().statusCode(404);
    }

    @Test
    void unknownAddressesDomainsAndMalformedHashesAre404() {
        given().get("/.well-known/openpgpkey/example.com/hu/" + WkdHash.of("nobody.here")).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:wkd-no-key"));
        // A user without keys.
        advanced(erin).then().statusCode(404);
        given().get("/.well-known/openpgpkey/unknown.example.invalid/hu/" + WkdHash.of(local(alice))).then().statusCode(404);
        given().get("/.well-known/openpgpkey/example.com/hu/notahash").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/.well-known/openpgpkey/example.com/hu/" + WkdHash.of(local(alice)) + "x").then().statusCode(404);
    }

    @Test
    void policyFilesForServedDomains() {
        given().get("/.well-known/openpgpkey/" + domain(alice) + "/policy").then().statusCode(200)
                .contentType(startsWith("text/plain")).body(equalTo(""));
        given().header("Host", domain(dana)).get("/.well-known/openpgpkey/policy").then().statusCode(200).body(equalTo(""));
        given().get("/.well-known/openpgpkey/unknown.example.invalid/policy").then().statusCode(404)
                .contentType("application/problem+json");
        given().header("Host", "unknown.example.invalid").get("/.well-known/openpgpkey/policy").then().statusCode(404);
    }

    @Test
    void wkdLookupsAreCounted() {
        advanced(alice).then().statusCode(200);
        given().get("/.well-known/openpgpkey/example.com/hu/" + WkdHash.of("nobody.here")).then().statusCode(404);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("guard_directory_lookups_total{method=\"wkd-advanced\",result=\"found\"}")
                .contains("guard_directory_lookups_total{method=\"wkd-advanced\",result=\"not-found\"}");
    }
}
