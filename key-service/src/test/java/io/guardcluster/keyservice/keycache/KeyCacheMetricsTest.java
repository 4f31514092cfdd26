package io.guardcluster.keyservice.keycache;

import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.METRICS;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.REFILL_MILLIS;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.SIZE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The key cache's meters are on /q/metrics, per profile. */
@QuarkusTest
@TestProfile(KeyCacheTestProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyCacheMetricsTest {

    @Inject
    KeyCache keyCache;

    @Test
    void poolSizeClaimsAndGenerationAreOnTheMetricsEndpoint() {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(METRICS) == SIZE);
        double hitsBefore = value(metrics(), "guard_key_cache_claims_total", "hit");
        assertThat(keyCache.claim(METRICS)).isPresent();
        // The gauge is what this replica last saw (refill pass); let a pass run after the claim's refill.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(REFILL_MILLIS))
                .until(() -> value(metrics(), "guard_key_cache_size", null) == SIZE);

        String metrics = metrics();
        assertThat(value(metrics, "guard_key_cache_claims_total", "hit")).isEqualTo(hitsBefore + 1);
        assertThat(metrics).contains("guard_key_cache_claims_total{profile=\"" + METRICS + "\",result=\"miss\"}")
                .contains("guard_key_cache_claims_total{profile=\"" + METRICS + "\",result=\"unavailable\"}")
                .contains("guard_key_cache_discarded_total{profile=\"" + METRICS + "\",reason=\"unopenable\"}");
        assertThat(value(metrics, "guard_key_cache_generated_total", null)).isGreaterThanOrEqualTo(SIZE + 1);
        assertThat(value(metrics, "guard_key_cache_generation_seconds_count", null)).isGreaterThanOrEqualTo(SIZE + 1);
        assertThat(value(metrics, "guard_key_cache_generation_seconds_sum", null)).isPositive();
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample of {@code name} for the test's profile (and result, if given). */
    private static double value(String metrics, String name, String result) {
        String labels = "profile=\"" + METRICS + "\"" + (result == null ? "" : ",result=\"" + result + "\"");
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*\\} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s{%s} in /q/metrics", name, labels).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
