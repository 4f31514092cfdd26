package io.guardcluster.gateway.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A replica-local map whose entries expire after a fixed time: the first level in front of the
 * shared Infinispan cache. Bounded: when full, expired entries are dropped, and if that is not
 * enough the whole map is cleared (it only holds what Infinispan or the backend can tell again).
 */
final class NearCache<V> {

    private record Entry<V>(V value, long expiresAt) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int capacity;
    private final LongSupplier nanoTime;

    NearCache(Duration ttl, int capacity, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    V get(String key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.expiresAt() >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    void put(String key, V value) {
        if (ttlNanos <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (entries.size() >= capacity) {
            entries.values().removeIf(e -> now - e.expiresAt() >= 0);
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
    }

    int size() {
        return entries.size();
    }
}
