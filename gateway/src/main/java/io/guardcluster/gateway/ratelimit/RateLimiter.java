package io.guardcluster.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key ("unlock:user:1/3", "directory:addr:10.0.0.7"): {@code perMinute} requests
 * in a burst, refilled continuously. Per gateway replica: an attacker spread over N replicas gets N
 * times the budget, which the key-service's own cluster-wide lockout (failed unlocks) bounds anyway.
 * Memory is bounded: buckets that have refilled completely are dropped when the map grows.
 */
public final class RateLimiter {

    static final int MAX_BUCKETS = 200_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** 0 if the request may pass, else how many seconds until it would (for {@code Retry-After}). */
    public long acquire(String key, int perMinute) {
        if (perMinute <= 0) {
            return 0;
        }
        if (buckets.size() > MAX_BUCKETS) {
            long now = nanoTime.getAsLong();
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(perMinute, nanoTime.getAsLong())).take(perMinute, nanoTime.getAsLong());
    }

    int size() {
        return buckets.size();
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private final int capacity;

        Bucket(int capacity, long now) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = now;
        }

        synchronized long take(int perMinute, long now) {
            refill(perMinute, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double secondsPerToken = 60.0 / perMinute;
            return Math.max(1, (long) Math.ceil((1 - tokens) * secondsPerToken));
        }

        synchronized boolean isFull(long now) {
            refill(capacity, now);
            return tokens >= capacity;
        }

        private void refill(int perMinute, long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perMinute / 60.0);
            last = now;
        }
    }
}
