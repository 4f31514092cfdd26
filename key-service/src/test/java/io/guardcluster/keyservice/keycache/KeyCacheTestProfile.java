package io.guardcluster.keyservice.keycache;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The key cache's tests: small pools refilled every 200 ms by the counting generator, one profile
 * per test class so that they do not see each other's claims.
 */
public class KeyCacheTestProfile implements QuarkusTestProfile {

    static final int SIZE = 6;
    static final String REFILL = "t-refill";
    static final String CLAIM = "t-claim";
    static final String SEALING = "t-sealing";
    static final String OUTAGE = "t-outage";
    static final String METRICS = "t-metrics";
    /** Not pooled: every profile name the application was started with is in {@link #PROFILES}. */
    static final String NOT_POOLED = "t-not-pooled";
    static final String PROFILES = String.join(",", REFILL, CLAIM, SEALING, OUTAGE, METRICS);

    static final long REFILL_MILLIS = 200;
    static final long TIMEOUT_MILLIS = 500;
    static final long LEASE_MILLIS = 10_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("guard.key-cache.profiles", PROFILES,
                "guard.key-cache.size", Integer.toString(SIZE),
                "guard.key-cache.refill-interval", REFILL_MILLIS + "ms",
                "guard.key-cache.generator-threads", "2",
                "guard.key-cache.lease-lifetime", LEASE_MILLIS + "ms",
                "guard.key-cache.operation-timeout", TIMEOUT_MILLIS + "ms",
                // These tests refill while claiming; yielding to claims has its own test (KeyCacheYieldTest).
                "guard.key-cache.refill-quiet-period", "0s");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(CountingPoolKeyGenerator.class);
    }
}
