package io.guardcluster.keyservice.keycache;

import jakarta.inject.Inject;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the key cache's {@code @QuarkusTest}s share: the beans under test and, for tests that look
 * behind the pool's back, a client of their own on the raw cache (opened once per class).
 */
abstract class KeyCacheTestSupport {

    @Inject
    KeyCache keyCache;
    @Inject
    CountingPoolKeyGenerator generator;
    @Inject
    ClusterMasterKey masterKey;
    @Inject
    MeterRegistry meters;

    static RemoteCacheManager client;
    static RemoteCache<String, byte[]> raw;

    @BeforeEach
    void connect() {
        if (client == null) {
            client = Replica.client();
            raw = Replica.rawCache(client);
        }
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.stop();
            client = null;
        }
    }
}
