package io.guardcluster.keyservice.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.keyservice.directory.DirectoryFixture.StoredKey;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** HKP over HTTP: every lookup kind, every refusal, and what the answers contain. */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryHkpTest {

    private InternalIdentity alice;
    private StoredKey aliceCurrent;
    private StoredKey aliceRevoked;
    private StoredKey aliceSuperseded;
    private InternalIdentity bob;
    private StoredKey bobRevokedCurrent;
    private StoredKey malloryClaimingAlice;
    private InternalIdentity vera;
    private StoredKey veraV6;
    private InternalIdentity carol;

    @BeforeAll
    void keys() {
        alice = DirectoryFixture.user("alice");
        aliceRevoked = DirectoryFixture.v4Key(alice, false, true, "Alice Old <" + alice.email() + ">");
        aliceSuperseded = DirectoryFixture.v4Key(alice, false, false, "Alice Superseded <" + alice.email() + ">");
        aliceCurrent = DirectoryFixture.v4Key(alice, true, false, "Alice Example <" + alice.email() + ">",
                "Zoë: Alias <alias." + alice.email() + ">");
        bob = DirectoryFixture.user("bob");
        bobRevokedCurrent = DirectoryFixture.v4Key(bob, true, true, "Bob Revoked <" + bob.email() + ">");
        InternalIdentity mallory = DirectoryFixture.user("mallory");
        malloryClaimingAlice = DirectoryFixture.v4Key(mallory, true, false, "Not Alice <" + alice.email() + ">");
        vera = DirectoryFixture.user("vera");
        veraV6 = DirectoryFixture.v6Key(vera, true, "Vera Six <" + vera.email() + ">");
        carol = DirectoryFixture.user("carol");
    }

    private static Response lookup(String op, String search) {
        return given().queryParam("op", op).queryParam("options", "mr").queryParam("search", search).get("/pks/lookup");
    }

    private static List<PGPPublicKeyRing> keysIn(Response response) {
        response.then().statusCode(200).contentType(startsWith("application/pgp-keys"));
        String armored = response.asString();
        assertThat(armored).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----").contains("-----END PGP PUBLIC KEY BLOCK-----");
        return DirectoryFixture.read(armored.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> fingerprints(List<PGPPublicKeyRing> rings) {
        return rings.stream().map(r -> DirectoryFixture.fingerprint(r.getPublicKey())).toList();
    }

    @Test
    void getByAddressServesTheCurrentKeyAndTheOwnersRevokedKeys() {
        for (String search : List.of(alice.email(), "<" + alice.email() + ">", alice.email().toUpperCase())) {
            List<PGPPublicKeyRing> rings = keysIn(lookup("get", search));
            // Current first; the superseded (still valid) key and Mallory's key naming Alice's address are not served.
            assertThat(fingerprints(rings)).as(search).containsExactly(aliceCurrent.fingerprint(), aliceRevoked.fingerprint());
            assertThat(rings.get(1).getPublicKey().hasRevocation()).isTrue();
        }
        assertThat(fingerprints(keysIn(lookup("get", alice.email())))).doesNotContain(aliceSuperseded.fingerprint(),
                malloryClaimingAlice.fingerprint());
    }

    @Test
    void getByKeyIdOfThePrimaryKeyOrASubkey() {
        assertThat(fingerprints(keysIn(lookup("get", "0x" + aliceCurrent.keyId())))).containsExactly(aliceCurrent.fingerprint());
        assertThat(fingerprints(keysIn(lookup("get", "0x" + aliceCurrent.subkeyId().toLowerCase()))))
                .containsExactly(aliceCurrent.fingerprint());
    }

    @Test
    void getByV4FingerprintOfThePrimaryKeyOrASubkeyAnyKeyOfTheUser() {
        assertThat(fingerprints(keysIn(lookup("get", "0x" + aliceCurrent.fingerprint())))).containsExactly(aliceCurrent.fingerprint());
        assertThat(fingerprints(keysIn(lookup("get", aliceCurrent.fingerprint().toLowerCase()))))
                .containsExactly(aliceCurrent.fingerprint());
        assertThat(fingerprints(keysIn(lookup("get", "0x" + aliceCurrent.subkeyFingerprint()))))
                .containsExactly(aliceCurrent.fingerprint());
        // Not offered by address, but whoever holds the superseded key can refresh it by fingerprint.
        assertThat(fingerprints(keysIn(lookup("get", "0x" + aliceSuperseded.fingerprint()))))
                .containsExactly(aliceSuperseded.fingerprint());
    }

    @Test
    void getV6KeyByFingerprintKeyIdOrAddress() {
        assertThat(veraV6.fingerprint()).hasSize(64);
        assertThat(fingerprints(keysIn(lookup("get", veraV6.fingerprint())))).containsExactly(veraV6.fingerprint());
        assertThat(fingerprints(keysIn(lookup("get", "0x" + veraV6.fingerprint().toLowerCase()))))
                .containsExactly(veraV6.fingerprint());
        assertThat(fingerprints(keysIn(lookup("get", "0x" + veraV6.keyId())))).containsExactly(veraV6.fingerprint());
        List<PGPPublicKeyRing> byAddress = keysIn(lookup("get", vera.email()));
        assertThat(fingerprints(byAddress)).containsExactly(veraV6.fingerprint());
        assertThat(byAddress.get(0).getPublicKey().getVersion()).isEqualTo(6);
    }

    @Test
    void revokedKeyIsServedWithItsRevocationSignature() throws Exception {
        List<PGPPublicKeyRing> rings = keysIn(lookup("get", bob.email()));
        assertThat(fingerprints(rings)).containsExactly(bobRevokedCurrent.fingerprint());
        PGPPublicKey primary = rings.get(0).getPublicKey();
        assertThat(primary.hasRevocation()).isTrue();
        Iterator<PGPSignature> revocations = primary.getSignaturesOfType(PGPSignature.KEY_REVOCATION);
        assertThat(revocations.hasNext()).isTrue();
        // Served byte for byte as stored: the directory adds nothing and drops nothing.
        assertThat(keysIn(lookup("get", "0x" + bobRevokedCurrent.fingerprint())).get(0).getEncoded())
                .isEqualTo(rings.get(0).getEncoded());
    }

    @Test
    void successfulLookupsArePubliclyCacheable() {
        lookup("get", alice.email()).then().statusCode(200)
                .header("Cache-Control", equalTo("public, max-age=300"))
                .header("Access-Control-Allow-Origin", equalTo("*"));
        lookup("index", alice.email()).then().statusCode(200).header("Cache-Control", equalTo("public, max-age=300"));
    }

    @Test
    void machineReadableIndex() {
        String index = lookup("index", alice.email()).then().statusCode(200).contentType(startsWith("text/plain"))
                .extract().asString();
        List<String> lines = index.lines().toList();
        long created = aliceCurrent.created();
        assertThat(lines).containsExactly(
                "info:1:2",
                "pub:" + aliceCurrent.fingerprint() + ":22:255:" + created + "::",
                "uid:Alice Example <" + alice.email() + ">::",
                // ':' and the UTF-8 bytes of 'ë' are %-escaped.
                "uid:Zo%C3%AB%3A Alias <alias." + alice.email() + ">::",
                "pub:" + aliceRevoked.fingerprint() + ":22:255:" + aliceRevoked.created() + "::r",
                "uid:Alice Old <" + alice.email() + ">::");
    }

    @Test
    void vindexAndIndexWithoutMrGiveTheSameListing() {
        String mr = lookup("index", "0x" + bobRevokedCurrent.fingerprint()).asString();
        assertThat(mr).startsWith("info:1:1\npub:" + bobRevokedCurrent.fingerprint() + ":22:255:").contains("::r\n");
        assertThat(lookup("vindex", "0x" + bobRevokedCurrent.fingerprint()).asString()).isEqualTo(mr);
        assertThat(given().queryParam("op", "index").queryParam("search", "0x" + bobRevokedCurrent.fingerprint())
                .get("/pks/lookup").then().statusCode(200).extract().asString()).isEqualTo(mr);
    }

    @Test
    void v6KeyInTheIndexHasItsFullFingerprint() {
        assertThat(lookup("index", vera.email()).asString()).startsWith("info:1:1\npub:" + veraV6.fingerprint() + ":27:255:");
    }

    @Test
    void unknownAddressKeyIdOrFingerprintIs404() {
        for (String search : List.of("nobody.here@example.com", carol.email(), "0x0123456789ABCDEF",
                "0x0123456789ABCDEF0123456789ABCDEF01234567")) {
            for (String op : List.of("get", "index")) {
                lookup(op, search).then().statusCode(404).contentType("application/problem+json")
                        .body("type", equalTo("urn:guard:problem:hkp-no-key"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "*", "%", "alice", "example.com", "@example.com", "*@example.com", "Alice Example" })
    void substringsWildcardsAndEmptySearchesAreRefused(String search) {
        lookup("get", search).then().statusCode(400).contentType("application/problem+json");
        lookup("index", search).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aPartOfARealAddressFindsNothing() {
        String local = alice.email().substring(0, alice.email().indexOf('@'));
        lookup("index", local).then().statusCode(400);
        lookup("index", alice.email().substring(1)).then().statusCode(404);
        lookup("index", "@" + alice.email().substring(alice.email().indexOf('@') + 1)).then().statusCode(400);
    }

    @Test
    void missingSearchIsRefused() {
        given().queryParam("op", "get").get("/pks/lookup").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:guard:problem:hkp-search-missing"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "0x1234", "0xDEADBEEF", "0xZZZZZZZZZZZZZZZZ", "0x0123456789abcdef0123456789abcdef" })
    void malformedOrShortKeyIdsAreRefused(String search) {
        lookup("get", search).then().statusCode(400).contentType("application/problem+json")
                .body("type", startsWith("urn:guard:problem:hkp-"));
    }

    @Test
    void badOpIsRefused() {
        given().queryParam("search", alice.email()).get("/pks/lookup").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:hkp-op-missing"));
        lookup("delete", alice.email()).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:guard:problem:hkp-op-unknown"));
        lookup("stats", alice.email()).then().statusCode(501).contentType("application/problem+json");
    }

    @Test
    void submissionIsRefused() {
        given().contentType("application/x-www-form-urlencoded").formParam("keytext", "-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .post("/pks/add").then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:guard:problem:hkp-submission-disabled"))
                .body("detail", containsString("submission over HKP is disabled"));
        given().get("/pks/add").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void lookupsAreCountedByMethodAndResult() {
        lookup("get", alice.email()).then().statusCode(200);
        lookup("get", "nobody.here@example.com").then().statusCode(404);
        lookup("index", "alice").then().statusCode(400);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("guard_directory_lookups_total{method=\"hkp-get\",result=\"found\"}")
                .contains("guard_directory_lookups_total{method=\"hkp-get\",result=\"not-found\"}")
                .contains("guard_directory_lookups_total{method=\"hkp-index\",result=\"bad-request\"}");
    }
}
