package io.guardcluster.keyservice.keycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.seal.Sealer;
import io.guardcluster.testing.TestCluster;

/**
 * A replica that has just served claims leaves its generator idle (the CPU goes to the burst of new
 * users), unless the pool runs low; after a quiet moment it refills.
 */
class KeyCacheYieldTest {

    private static final String PROFILE = "t-yield";
    private static final int SIZE = 8;

    @Test
    void refillWaitsForAQuietMomentUnlessThePoolRunsLow() throws Exception {
        Sealer sealer = new Sealer(MasterKeyFile.read(TestCluster.get().masterKeyFile()));
        Duration quiet = Duration.ofMillis(1500);
        // Passes run at start, after each claim, and when the test asks: the interval never comes round.
        KeyPool.Settings settings = new KeyPool.Settings(List.of(PROFILE), SIZE, Duration.ofHours(1), 1,
                Duration.ofMillis(KeyCacheTestProfile.LEASE_MILLIS), Duration.ofMillis(KeyCacheTestProfile.TIMEOUT_MILLIS),
                quiet);
        try (Replica replica = Replica.refilling(settings, () -> sealer)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.pool.size(PROFILE) == SIZE);
            int generated = replica.generator.count(PROFILE);

            assertThat(replica.pool.claim(PROFILE)).isPresent();
            Thread.sleep(500); // the pass the claim started has run by now, and yielded
            assertThat(replica.pool.size(PROFILE)).isEqualTo(SIZE - 1);
            assertThat(replica.generator.count(PROFILE)).isEqualTo(generated);

            Thread.sleep(quiet.toMillis());
            replica.pool.refillPass();
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.pool.size(PROFILE) == SIZE);
            assertThat(replica.generator.count(PROFILE)).isEqualTo(generated + 1);

            // A long burst: once the pool is down to a quarter it refills even while claims go on...
            for (int i = 0; i < SIZE - 1; i++) {
                assertThat(replica.pool.claim(PROFILE)).isPresent();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.pool.size(PROFILE) * 4 > SIZE);
            // ...back above the low-water mark, and the rest once it is quiet again.
            Thread.sleep(quiet.toMillis());
            replica.pool.refillPass();
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.pool.size(PROFILE) == SIZE);
            assertThat(replica.generator.count(PROFILE)).isEqualTo(generated + SIZE);
        }
    }
}
