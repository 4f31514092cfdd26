package io.guardcluster.keyservice.keycache;

import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.CLAIM;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.NOT_POOLED;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.REFILL_MILLIS;
import static io.guardcluster.keyservice.keycache.KeyCacheTestProfile.SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;


import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Claims are exclusive: many threads on three replicas (the application and two more, each with
 * its own Hot Rod client) claim from one pool while all three refill it, and no key is ever handed
 * out twice. Also measures claim latency against the local server (printed, not asserted).
 */
@QuarkusTest
@TestProfile(KeyCacheTestProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyCacheClaimTest extends KeyCacheTestSupport {

    private static final int CLAIM_THREADS = 12;
    private static final int WANTED_HITS = 400;

    @Test
    void parallelClaimsOnThreeReplicasNeverHandOutAKeyTwice() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> keyCache.size(CLAIM) == SIZE);
        Duration fast = Duration.ofMillis(50);
        try (Replica a = Replica.refilling(CLAIM, SIZE, fast, masterKey::sealer, 1);
                Replica b = Replica.refilling(CLAIM, SIZE, fast, masterKey::sealer, 1)) {
            List<Function<String, Optional<byte[]>>> replicas = List.of(keyCache::claim, a.pool::claim, b.pool::claim);
            ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
            AtomicInteger attempts = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            ExecutorService threads = Executors.newFixedThreadPool(CLAIM_THREADS);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < CLAIM_THREADS; t++) {
                Function<String, Optional<byte[]>> replica = replicas.get(t % replicas.size());
                running.add(threads.submit(() -> {
                    go.await();
                    while (claimed.size() < WANTED_HITS && System.nanoTime() < deadline) {
                        attempts.incrementAndGet();
                        replica.apply(CLAIM).ifPresent(key -> claimed.add(CountingPoolKeyGenerator.hex(key)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS); // rethrows anything a claim threw
            }
            threads.shutdown();

            List<String> handedOut = new ArrayList<>(claimed);
            assertThat(handedOut).as("claims that got a key (of %d attempts)", attempts.get()).hasSizeGreaterThanOrEqualTo(WANTED_HITS);
            assertThat(new HashSet<>(handedOut)).as("distinct keys handed out").hasSameSizeAs(handedOut);
            Set<String> generated = new HashSet<>(generator.generated(CLAIM));
            generated.addAll(a.generator.generated(CLAIM));
            generated.addAll(b.generator.generated(CLAIM));
            assertThat(generated).containsAll(handedOut);
            assertThat(a.generator.count(CLAIM)).as("replica a refilled").isPositive();
            assertThat(b.generator.count(CLAIM)).as("replica b refilled").isPositive();

            // Once everyone is idle and the pool full again, every generated key is accounted for:
            // handed out once, still pooled, or discarded (counted), none lost and none twice.
            int[] settled = { -1 };
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(3 * REFILL_MILLIS)).until(() -> {
                int now = generatedCount(a, b);
                boolean stable = now == settled[0] && keyCache.size(CLAIM) == SIZE;
                settled[0] = now;
                return stable;
            });
            double discarded = sum(meters.find("guard.key.cache.discarded").tag("profile", CLAIM).counters())
                    + sum(a.meters.find("guard.key.cache.discarded").counters())
                    + sum(b.meters.find("guard.key.cache.discarded").counters());
            double unavailable = count(meters, "unavailable") + count(a.meters, "unavailable") + count(b.meters, "unavailable");
            int total = generatedCount(a, b);
            System.out.printf("key cache parallel claims: %d attempts, %d keys handed out, %d generated "
                    + "(app %d, a %d, b %d), %d pooled, %.0f discarded, %.0f unavailable answers%n", attempts.get(),
                    handedOut.size(), total, generator.count(CLAIM), a.generator.count(CLAIM), b.generator.count(CLAIM),
                    SIZE, discarded, unavailable);
            if (unavailable == 0) {
                assertThat(total).as("generated = handed out + pooled + discarded").isEqualTo(handedOut.size() + SIZE + (int) discarded);
            } else {
                // A claim that timed out after the server removed its key loses that key (never duplicates it).
                assertThat(total).isGreaterThanOrEqualTo(handedOut.size() + SIZE + (int) discarded);
            }
        }
    }

    @Test
    void aProfileThatIsNotPooledIsAnEmptyAnswer() {
        assertThat(keyCache.claim(NOT_POOLED)).isEmpty();
        assertThat(keyCache.size(NOT_POOLED)).isZero();
    }

    /** Claim latency against the local server: hits on the application's pool, misses on an empty one. */
    @Test
    void claimLatency() {
        List<Long> hits = new ArrayList<>();
        while (hits.size() < 300) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> keyCache.size(CLAIM) == SIZE);
            for (int i = 0; i < SIZE - 1; i++) {
                long t0 = System.nanoTime();
                Optional<byte[]> key = keyCache.claim(CLAIM);
                long took = System.nanoTime() - t0;
                if (key.isPresent()) {
                    hits.add(took);
                }
            }
        }
        List<Long> misses = new ArrayList<>();
        int emptySize = 20;
        try (Replica empty = Replica.claimOnly("t-latency-empty", emptySize, masterKey::sealer)) {
            for (int i = 0; i < 300; i++) {
                long t0 = System.nanoTime();
                assertThat(empty.pool.claim("t-latency-empty")).isEmpty();
                misses.add(System.nanoTime() - t0);
            }
        }
        System.out.printf("key cache claim latency (local Infinispan, pool of %d): hit p50 %.2f ms, p99 %.2f ms (n=%d); "
                + "miss on an empty pool of %d p50 %.2f ms, p99 %.2f ms (n=%d)%n", SIZE, percentile(hits, 50),
                percentile(hits, 99), hits.size(), emptySize, percentile(misses, 50), percentile(misses, 99), misses.size());
    }

    private int generatedCount(Replica a, Replica b) {
        return generator.count(CLAIM) + a.generator.count(CLAIM) + b.generator.count(CLAIM);
    }

    private static double count(MeterRegistry registry, String result) {
        Counter c = registry.find("guard.key.cache.claims").tag("profile", CLAIM).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private static double sum(java.util.Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }

    private static double percentile(List<Long> nanos, int p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
