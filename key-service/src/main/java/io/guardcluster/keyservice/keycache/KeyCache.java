package io.guardcluster.keyservice.keycache;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.runtime.BlockingOperationNotAllowedException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The key cache (OX Guard's "cached key creation"): keys generated in advance, so that creating a
 * user's key does not wait 0.3–2 s for RSA. The pool is shared by all replicas in Infinispan, each
 * entry sealed with the master key; every replica claims from it and refills it in the background.
 * How a claim stays exclusive and how the replicas share the refilling: see {@link KeyPool}.
 *
 * <p>Losing Infinispan costs speed, never availability: {@link #claim(String)} then answers empty
 * within {@code guard.key-cache.operation-timeout} and the caller generates the key itself. The
 * pool is therefore not part of readiness.
 *
 * <p>Metrics: {@code guard.key.cache.size}, {@code .claims{result}}, {@code .generation},
 * {@code .generated}, {@code .discarded{reason}}, all tagged with the profile.
 */
@ApplicationScoped
public class KeyCache {

    private static final Logger LOG = Logger.getLogger(KeyCache.class);

    private final KeyCacheConfig config;
    private final Instance<RemoteCacheManager> cacheManager;
    private final ClusterMasterKey masterKey;
    private final PoolKeyGenerator generator;
    private final MeterRegistry meters;
    private volatile KeyPool pool;

    KeyCache(KeyCacheConfig config, Instance<RemoteCacheManager> cacheManager, ClusterMasterKey masterKey,
            PoolKeyGenerator generator, MeterRegistry meters) {
        this.config = config;
        this.cacheManager = cacheManager;
        this.masterKey = masterKey;
        this.generator = generator;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        // Validate the settings even when disabled: a typo should not wait until someone enables it.
        KeyPool.Settings settings = KeyPool.Settings.of(config);
        if (!config.enabled()) {
            LOG.info("key cache disabled (guard.key-cache.enabled=false): keys are generated when needed");
            return;
        }
        KeyPool p = new KeyPool(settings, cacheManager::get, masterKey::sealer, generator, meters);
        pool = p;
        p.start();
        LOG.infof("key cache: pooling %d keys each of %s for the cluster, refilling every %s on %d thread(s)",
                settings.size(), settings.profiles(), settings.refillInterval(), settings.generatorThreads());
    }

    void onStop(@Observes ShutdownEvent event) {
        KeyPool p = pool;
        if (p != null) {
            p.stop();
        }
    }

    /**
     * A pooled key of {@code profile}, unsealed (the bytes {@link PoolKeyGenerator} produced), removed
     * from the pool for good; empty if the pool has none, the profile is not pooled, or Infinispan is
     * unreachable. Blocking: never call on the event loop.
     */
    public Optional<byte[]> claim(String profile) {
        requireBlockingAllowed();
        KeyPool p = pool;
        return p == null ? Optional.empty() : p.claim(profile);
    }

    /**
     * Entries currently pooled for profile (for metrics/tests); -1 if unknown (Infinispan
     * unreachable, or the pool not yet opened), 0 if the profile is not pooled. Blocking.
     */
    public int size(String profile) {
        requireBlockingAllowed();
        KeyPool p = pool;
        if (p == null) {
            return 0;
        }
        return p.size(profile);
    }

    private static void requireBlockingAllowed() {
        if (!BlockingOperationControl.isBlockingAllowed()) {
            throw new BlockingOperationNotAllowedException("the key cache talks to Infinispan: call it on a worker thread");
        }
    }
}
