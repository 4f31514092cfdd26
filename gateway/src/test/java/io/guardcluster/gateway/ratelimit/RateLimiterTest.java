package io.guardcluster.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private long now = 0;
    private final RateLimiter limiter = new RateLimiter(() -> now);

    @Test
    void allowsABurstThenAsksToWait() {
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire("unlock:user:1/3", 10)).isZero();
        }
        assertThat(limiter.acquire("unlock:user:1/3", 10)).isEqualTo(6);
        assertThat(limiter.acquire("unlock:user:1/4", 10)).as("other keys are independent").isZero();
    }

    @Test
    void refillsOverTime() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("k", 10);
        }
        now += TimeUnit.SECONDS.toNanos(6);
        assertThat(limiter.acquire("k", 10)).isZero();
        assertThat(limiter.acquire("k", 10)).isPositive();
    }

    @Test
    void forgetsFullBucketsWhenTheMapGrows() {
        for (int i = 0; i <= RateLimiter.MAX_BUCKETS; i++) {
            limiter.acquire("addr:" + i, 60);
        }
        now += TimeUnit.MINUTES.toNanos(2);
        limiter.acquire("one-more", 60);
        assertThat(limiter.size()).isLessThan(10);
    }
}
