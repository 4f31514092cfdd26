package io.guardcluster.keyservice.keycache;

import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.REFILL;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.REFILL_MILLIS;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;


import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The replicas together fill each profile's pool to exactly the configured size and never beyond:
 * the application alone, then the application and two more replicas (own Hot Rod clients) racing
 * for the same emptied slots.
 */
@QuarkusTest
@TestProfile(KeyCacheTestProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyCacheRefillTest extends KeyCacheTestSupport {

    @Test
    void fillsToExactlyTheConfiguredSizeAndNoFurther() throws InterruptedException {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(REFILL) == SIZE);
        waitUntilIdle();
        int before = generator.count(REFILL);
        for (String slot : slots(SIZE)) {
            raw.remove(slot);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(REFILL) == SIZE);
        // Several more refill passes: nothing more is generated, nothing more is stored.
        Thread.sleep(5 * REFILL_MILLIS);
        assertThat(keyCache.size(REFILL)).isEqualTo(SIZE);
        assertThat(generator.count(REFILL) - before).as("keys generated to fill an empty pool of %d", SIZE).isEqualTo(SIZE);
        assertThat(keysOf(REFILL)).as("slots and leases in Infinispan")
                .containsExactlyInAnyOrderElementsOf(slots(SIZE));
        assertThat(meters.find("guard.key.cache.discarded").tag("profile", REFILL).counters())
                .allSatisfy(c -> assertThat(c.count()).as(c.getId().toString()).isZero());
    }

    @Test
    void threeReplicasRefillTogetherWithoutGeneratingTwiceForASlot() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(REFILL) == SIZE);
        Duration fast = Duration.ofMillis(50);
        try (Replica a = Replica.refilling(REFILL, SIZE, fast, masterKey::sealer, 20);
                Replica b = Replica.refilling(REFILL, SIZE, fast, masterKey::sealer, 20)) {
            for (int round = 0; round < 8; round++) {
                waitUntilIdle(a, b);
                int before = generated(a, b);
                // Claimed by users behind the test's back: every replica sees the same empty slots at once.
                for (String slot : slots(SIZE)) {
                    raw.remove(slot);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(REFILL) == SIZE);
                waitUntilIdle(a, b);
                assertThat(generated(a, b) - before).as("keys generated to refill %d emptied slots (round %d; app %d, a %d, b %d)",
                        SIZE, round, generator.count(REFILL), a.generator.count(REFILL), b.generator.count(REFILL))
                        .isEqualTo(SIZE);
                assertThat(keysOf(REFILL)).containsExactlyInAnyOrderElementsOf(slots(SIZE));
            }
            assertThat(a.generator.count(REFILL) + b.generator.count(REFILL))
                    .as("the other replicas took part in refilling").isPositive();
            assertThat(a.counter("guard.key.cache.discarded", "reason", "slot-taken")
                    + b.counter("guard.key.cache.discarded", "reason", "slot-taken")).isZero();
        }
    }

    /** No generation running anywhere: the counts are stable over a few refill passes. */
    private void waitUntilIdle(Replica... others) {
        int[] last = { -1 };
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(3 * REFILL_MILLIS)).until(() -> {
            int now = generated(others);
            boolean stable = now == last[0] && keyCache.size(REFILL) == SIZE;
            last[0] = now;
            return stable;
        });
    }

    private int generated(Replica... others) {
        int n = generator.count(REFILL);
        for (Replica r : others) {
            n += r.generator.count(REFILL);
        }
        return n;
    }

    private static List<String> slots(int size) {
        return java.util.stream.IntStream.range(0, size).mapToObj(i -> PoolEntries.slotKey(REFILL, i)).toList();
    }

    private static Set<String> keysOf(String profile) {
        return raw.keySet().stream().filter(k -> k.startsWith(profile + "/")).collect(Collectors.toSet());
    }
}
