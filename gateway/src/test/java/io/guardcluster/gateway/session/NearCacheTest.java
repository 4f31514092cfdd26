package io.guardcluster.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class NearCacheTest {

    private long now = 1_000;
    private final NearCache<String> cache = new NearCache<>(Duration.ofSeconds(5), 3, () -> now);

    @Test
    void entriesExpireAfterTheTtl() {
        cache.put("k", "alice");
        now += Duration.ofSeconds(4).toNanos();
        assertThat(cache.get("k")).isEqualTo("alice");
        now += Duration.ofSeconds(1).toNanos();
        assertThat(cache.get("k")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void staysWithinItsCapacity() {
        for (int i = 0; i < 10; i++) {
            cache.put("k" + i, "v");
        }
        assertThat(cache.size()).isLessThanOrEqualTo(3);
        assertThat(cache.get("k9")).isEqualTo("v");
    }

    @Test
    void aZeroTtlKeepsNothing() {
        NearCache<String> off = new NearCache<>(Duration.ZERO, 3, () -> now);
        off.put("k", "v");
        assertThat(off.get("k")).isNull();
    }
}
