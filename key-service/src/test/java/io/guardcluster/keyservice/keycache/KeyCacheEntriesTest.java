package io.guardcluster.keyservice.keycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.seal.SealException;
import io.guardcluster.common.seal.Sealer;

/** Plain tests of the pool's entry format and settings (no servers). */
class KeyCacheEntriesTest {

    private final Sealer sealer = new Sealer(MasterKeyFile.generate(new SecureRandom()));
    private final byte[] key = "an encoded, unprotected key".getBytes(StandardCharsets.UTF_8);

    @Test
    void anEntryOpensOnlyForItsOwnSlotAndProfile() throws Exception {
        byte[] sealed = PoolEntries.seal(sealer, "rsa3072", 7, key);
        assertThat(PoolEntries.open(sealer, "rsa3072", 7, sealed)).isEqualTo(key);
        assertThatThrownBy(() -> PoolEntries.open(sealer, "rsa3072", 8, sealed))
                .isInstanceOf(PoolEntries.MisplacedEntryException.class);
        assertThatThrownBy(() -> PoolEntries.open(sealer, "rsa4096", 7, sealed))
                .isInstanceOf(PoolEntries.MisplacedEntryException.class);
        // "rsa3072/1" + "7..." must not pass for "rsa3072/17": the slot line is terminated.
        byte[] slot1 = PoolEntries.seal(sealer, "rsa3072", 1, "7 looks like a digit".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PoolEntries.open(sealer, "rsa3072", 17, slot1))
                .isInstanceOf(PoolEntries.MisplacedEntryException.class);
    }

    @Test
    void anEntryIsSealedForTheKeyCacheOnly() {
        byte[] sealed = PoolEntries.seal(sealer, "rsa3072", 0, key);
        assertThat(KeyCacheSealingTest.contains(sealed, key)).isFalse();
        assertThatThrownBy(() -> sealer.open("recovery", sealed)).isInstanceOf(SealException.class);
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> PoolEntries.open(sealer, "rsa3072", 0, tampered)).isInstanceOf(SealException.class);
        Sealer otherCluster = new Sealer(MasterKeyFile.generate(new SecureRandom()));
        assertThatThrownBy(() -> PoolEntries.open(otherCluster, "rsa3072", 0, sealed)).isInstanceOf(SealException.class);
    }

    @Test
    void leasesAndSlotsNeverShareAKey() {
        assertThat(PoolEntries.slotKey("rsa3072", 3)).isEqualTo("rsa3072/3");
        assertThat(PoolEntries.leaseKey("rsa3072", 3)).isEqualTo("rsa3072/3/lease");
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        Duration s = Duration.ofSeconds(1);
        Duration ms = Duration.ofMillis(100);
        assertThat(new KeyPool.Settings(List.of("rsa3072", "curve25519"), 20, s, 1, Duration.ofSeconds(60), ms).profiles())
                .containsExactly("rsa3072", "curve25519");
        assertThatThrownBy(() -> new KeyPool.Settings(List.of("RSA 3072"), 20, s, 1, s, ms))
                .hasMessageContaining("guard.key-cache.profiles");
        assertThatThrownBy(() -> new KeyPool.Settings(List.of("a/b"), 20, s, 1, s, ms))
                .hasMessageContaining("guard.key-cache.profiles");
        assertThatThrownBy(() -> new KeyPool.Settings(List.of("rsa3072"), -1, s, 1, s, ms))
                .hasMessageContaining("guard.key-cache.size");
        assertThatThrownBy(() -> new KeyPool.Settings(List.of("rsa3072"), 20, s, 0, s, ms))
                .hasMessageContaining("guard.key-cache.generator-threads");
        assertThatThrownBy(() -> new KeyPool.Settings(List.of("rsa3072"), 20, s, 1, ms, ms))
                .hasMessageContaining("guard.key-cache.lease-lifetime");
    }
}
