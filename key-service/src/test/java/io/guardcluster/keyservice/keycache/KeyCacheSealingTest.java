package io.guardcluster.keyservice.keycache;

import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.SEALING;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;


import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.seal.SealException;
import io.guardcluster.common.seal.Sealer;
import io.guardcluster.testing.GuardStackResource;
import io.micrometer.core.instrument.Counter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What Infinispan holds is sealed with the master key and bound to its slot; an entry that was
 * tampered with, moved, or sealed by another cluster is discarded (and counted), never handed out.
 */
@QuarkusTest
@TestProfile(KeyCacheTestProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyCacheSealingTest extends KeyCacheTestSupport {

    @Test
    void infinispanHoldsOnlySealedEntriesBoundToTheirSlot() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(SEALING) == SIZE);
        Sealer sealer = masterKey.sealer();
        for (int slot = 0; slot < SIZE; slot++) {
            byte[] entry = raw.get(PoolEntries.slotKey(SEALING, slot));
            for (String key : generator.generated(SEALING)) {
                assertThat(contains(entry, unhex(key))).as("key material in the clear in slot %d", slot).isFalse();
            }
            byte[] key = PoolEntries.open(sealer, SEALING, slot, entry);
            assertThat(generator.generated(SEALING)).contains(CountingPoolKeyGenerator.hex(key));
            int slotNow = slot;
            assertThatThrownBy(() -> PoolEntries.open(sealer, SEALING, (slotNow + 1) % SIZE, entry))
                    .isInstanceOf(PoolEntries.MisplacedEntryException.class);
            assertThatThrownBy(() -> PoolEntries.open(sealer, "t-other", slotNow, entry))
                    .isInstanceOf(PoolEntries.MisplacedEntryException.class);
        }
    }

    @Test
    void tamperedMovedAndForeignEntriesAreDiscardedNeverHandedOut() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(SEALING) == SIZE);
        Sealer sealer = masterKey.sealer();
        String slot0 = PoolEntries.slotKey(SEALING, 0);
        String slot1 = PoolEntries.slotKey(SEALING, 1);
        String slot2 = PoolEntries.slotKey(SEALING, 2);
        byte[] entry0 = raw.get(slot0);
        Set<String> forbidden = new HashSet<>();
        forbidden.add(CountingPoolKeyGenerator.hex(PoolEntries.open(sealer, SEALING, 0, entry0)));
        forbidden.add(CountingPoolKeyGenerator.hex(PoolEntries.open(sealer, SEALING, 1, raw.get(slot1))));
        forbidden.add(CountingPoolKeyGenerator.hex(PoolEntries.open(sealer, SEALING, 2, raw.get(slot2))));

        byte[] tampered = entry0.clone();
        tampered[tampered.length - 20] ^= 0x01; // a ciphertext bit
        byte[] foreignKey = new byte[32];
        new SecureRandom().nextBytes(foreignKey);
        forbidden.add(CountingPoolKeyGenerator.hex(foreignKey));
        Sealer otherCluster = new Sealer(MasterKeyFile.generate(new SecureRandom()));
        assertThatThrownBy(() -> PoolEntries.open(sealer, SEALING, 2, PoolEntries.seal(otherCluster, SEALING, 2, foreignKey)))
                .isInstanceOf(SealException.class);

        double unopenable = discarded("unopenable");
        double misplaced = discarded("misplaced");
        raw.put(slot0, tampered);
        raw.put(slot1, entry0); // slot 0's genuine entry, moved
        raw.put(slot2, PoolEntries.seal(otherCluster, SEALING, 2, foreignKey));

        List<String> claimed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
            keyCache.claim(SEALING).ifPresent(key -> claimed.add(CountingPoolKeyGenerator.hex(key)));
            return discarded("unopenable") >= unopenable + 2 && discarded("misplaced") >= misplaced + 1;
        });
        assertThat(claimed).isNotEmpty().doesNotContainAnyElementsOf(forbidden);
        assertThat(generator.generated(SEALING)).containsAll(claimed);
        assertThat(new HashSet<>(claimed)).hasSameSizeAs(claimed);
        // Discarded entries left the pool for good; the refill puts genuine ones in their slots.
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(SEALING) == SIZE);
        for (int slot = 0; slot < 3; slot++) {
            byte[] entry = raw.get(PoolEntries.slotKey(SEALING, slot));
            if (entry != null) {
                assertThat(CountingPoolKeyGenerator.hex(PoolEntries.open(sealer, SEALING, slot, entry))).isNotIn(forbidden);
            }
        }
    }

    private double discarded(String reason) {
        Counter c = meters.find("guard.key.cache.discarded").tag("profile", SEALING).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] unhex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
