package io.guardcluster.keyservice.keycache;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;

import io.guardcluster.cli.stack.InfinispanServer;
import io.guardcluster.common.seal.Sealer;
import io.guardcluster.testing.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Another key-service replica as far as the key cache is concerned: its own Hot Rod client
 * (connections, topology, retries), its own {@link KeyPool}, generator and meters, the cluster's
 * master key. Started refilling or claim-only.
 */
final class Replica implements AutoCloseable {

    final RemoteCacheManager manager;
    final KeyPool pool;
    final CountingPoolKeyGenerator generator;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Replica(KeyPool.Settings settings, Supplier<Sealer> sealer, long generateMillis, boolean refill) {
        this.manager = client();
        this.generator = new CountingPoolKeyGenerator(generateMillis);
        this.pool = new KeyPool(settings, () -> manager, sealer, generator, meters);
        // Connected before it is used, as the application is by the time a test runs.
        if (!pool.connect()) {
            manager.stop();
            throw new IllegalStateException("replica could not open the key cache");
        }
        if (refill) {
            pool.start();
        }
    }

    /** A replica refilling {@code profile} (pool of {@code size}) every {@code refill}. */
    static Replica refilling(String profile, int size, Duration refill, Supplier<Sealer> sealer, long generateMillis) {
        return new Replica(settings(profile, size, refill), sealer, generateMillis, true);
    }

    /** A refilling replica with settings of the test's own. */
    static Replica refilling(KeyPool.Settings settings, Supplier<Sealer> sealer) {
        return new Replica(settings, sealer, 0, true);
    }

    /** A replica that only claims (never generates). */
    static Replica claimOnly(String profile, int size, Supplier<Sealer> sealer) {
        return new Replica(settings(profile, size, Duration.ofSeconds(1)), sealer, 0, false);
    }

    static KeyPool.Settings settings(String profile, int size, Duration refill) {
        return new KeyPool.Settings(List.of(profile), size, refill, 1,
                Duration.ofMillis(KeyCacheTestProfile.LEASE_MILLIS), Duration.ofMillis(KeyCacheTestProfile.TIMEOUT_MILLIS));
    }

    /** A plain client of the test cluster's Infinispan, for replicas and for looking at raw entries. */
    static RemoteCacheManager client() {
        InfinispanServer server = TestCluster.get().infinispan();
        ConfigurationBuilder builder = new ConfigurationBuilder();
        builder.addServers(server.hosts());
        builder.security().authentication().username(server.username()).password(server.password())
                .saslMechanism(InfinispanServer.SASL_MECHANISM);
        return new RemoteCacheManager(builder.build());
    }

    /** The pool's cache, raw (sealed values, leases); waits until the application has created it. */
    static RemoteCache<String, byte[]> rawCache(RemoteCacheManager manager) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> manager.<String, byte[]>getCache(KeyPool.CACHE_NAME), java.util.Objects::nonNull);
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        pool.stop();
        manager.stop();
    }
}
