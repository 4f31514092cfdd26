package io.guardcluster.keyservice.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.pgp.KeyInfo;
import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code GET /api/keys/internal/recipients} beyond Guard: an HKP server and WKD (both on a local test server, see
 * {@link ExternalKeyServers}), with a 1 s timeout.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@QuarkusTestResource(value = ExternalKeyServers.class, restrictToAnnotatedClass = true)
class ExternalRecipientsTest {

    private final KeyApi api = KeyApi.fresh("looker");

    @Test
    void aKeyFromHkp() throws Exception {
        JsonPath found = lookup("hkp-only");
        assertThat(found.getList("keys")).hasSize(1);
        assertThat(found.getString("keys[0].source")).isEqualTo("HKP");
        assertCarriesAddress(found.getString("keys[0].armored"), found.getString("keys[0].fingerprint"), "hkp-only");
    }

    @Test
    void aKeyFromWkdByTheAdvancedMethod() throws Exception {
        JsonPath found = lookup("wkd-advanced");
        assertThat(found.getList("keys")).hasSize(1);
        assertThat(found.getString("keys[0].source")).isEqualTo("WKD");
        assertCarriesAddress(found.getString("keys[0].armored"), found.getString("keys[0].fingerprint"), "wkd-advanced");
    }

    @Test
    void wkdFallsBackToTheDirectMethod() throws Exception {
        JsonPath found = lookup("wkd-direct");
        assertThat(found.getList("keys")).hasSize(1);
        assertThat(found.getString("keys[0].source")).isEqualTo("WKD");
        assertCarriesAddress(found.getString("keys[0].armored"), found.getString("keys[0].fingerprint"), "wkd-direct");
    }

    @Test
    void bothSourcesWithWkdFirstAndEachKeyOnce() {
        JsonPath both = lookup("both");
        assertThat(both.getList("keys.source")).containsExactly("WKD", "HKP");
        assertThat(both.getString("keys[0].fingerprint")).isNotEqualTo(both.getString("keys[1].fingerprint"));
        JsonPath same = lookup("same");
        assertThat(same.getList("keys.source")).containsExactly("WKD");
    }

    @Test
    void hangingSourcesGiveNoKeyWithinTheTimeout() {
        long start = System.nanoTime();
        JsonPath found = lookup("hang");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(found.getList("keys")).isEmpty();
        assertThat(took).as("timeout is 1 s, the sources are asked in parallel").isLessThan(Duration.ofMillis(2500));
    }

    /** WKD is a different server per domain: one that hangs opens its own breaker, not everybody's. */
    @Test
    void oneHangingWkdDomainDoesNotStopWkdForOthers() {
        for (int i = 0; i < 4; i++) {
            assertThat(lookupAt("wkd-hang@slow.test").getList("keys")).isEmpty();
        }
        long start = System.nanoTime();
        assertThat(lookupAt("wkd-hang@slow.test").getList("keys")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("slow.test's breaker is open: no waiting")
                .isLessThan(Duration.ofMillis(500));
        JsonPath other = lookup("wkd-advanced");
        assertThat(other.getList("keys.source")).as("ext.test's WKD still asked").containsExactly("WKD");
    }

    /** Nobody has a key: remembered, so the next mail to that address does not wait for WKD and key servers. */
    @Test
    void anAnsweredMissIsRememberedAFailedOneIsNot() {
        assertThat(lookup("nobody-here").getList("keys")).isEmpty();
        int asked = ExternalKeyServers.WKD_REQUESTS.getOrDefault("nobody-here", 0);
        assertThat(asked).as("advanced and direct method").isEqualTo(2);
        assertThat(lookup("nobody-here").getList("keys")).isEmpty();
        assertThat(ExternalKeyServers.WKD_REQUESTS.get("nobody-here")).as("remembered: not asked again").isEqualTo(asked);

        // A domain of its own, so that no breaker (ext.test's has seen timeouts of other tests) answers instead.
        assertThat(lookupAt("wkd-hang@miss.test").getList("keys")).isEmpty();
        int afterFirst = ExternalKeyServers.WKD_REQUESTS.getOrDefault("wkd-hang", 0);
        assertThat(afterFirst).isPositive();
        assertThat(lookupAt("wkd-hang@miss.test").getList("keys")).isEmpty();
        assertThat(ExternalKeyServers.WKD_REQUESTS.get("wkd-hang")).as("a timeout is not an answer: asked again")
                .isGreaterThan(afterFirst);
    }

    @Test
    void garbageWrongAddressesAndExpiredKeysAreNoKeys() {
        for (String local : List.of("garbage", "other", "expired", "unknown")) {
            assertThat(lookup(local).getList("keys")).as(local).isEmpty();
        }
    }

    /** External sources only when Guard and the keyring have nothing: a key in the keyring wins. */
    @Test
    void theKeyringComesFirst() {
        KeyApi owner = KeyApi.fresh("keyringowner");
        owner.createKey("keyring-owner-password");
        JsonPath external = owner.request().queryParam("email", ExternalKeyServers.address("hkp-only"))
                .get("/api/keys/internal/recipients").then().statusCode(200).extract().jsonPath();
        assertThat(external.getString("keys[0].source")).isEqualTo("HKP");
        owner.request().contentType("application/pgp-keys")
                .body(external.getString("keys[0].armored").getBytes(StandardCharsets.US_ASCII))
                .post("/api/keys/keyring").then().statusCode(200);
        owner.request().queryParam("email", ExternalKeyServers.address("hkp-only")).get("/api/keys/internal/recipients")
                .then().statusCode(200).body("keys", hasSize(1)).body("keys[0].source", is("KEYRING"))
                .body("keys[0].fingerprint", is(external.getString("keys[0].fingerprint")));
    }

    private JsonPath lookup(String local) {
        return lookupAt(ExternalKeyServers.address(local));
    }

    private JsonPath lookupAt(String email) {
        return api.request().queryParam("email", email).get("/api/keys/internal/recipients")
                .then().statusCode(200).extract().jsonPath();
    }

    private static void assertCarriesAddress(String armored, String fingerprint, String local) throws Exception {
        KeyInfo info = KeyInfo.of(Signatures.publicKey(armored));
        assertThat(info.fingerprint()).isEqualTo(fingerprint);
        assertThat(info.emails()).contains(ExternalKeyServers.address(local));
    }
}
