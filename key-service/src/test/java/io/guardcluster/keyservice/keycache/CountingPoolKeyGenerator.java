package io.guardcluster.keyservice.keycache;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * A {@link PoolKeyGenerator} for the key cache's tests: 32 random bytes per "key" (unique for all
 * practical purposes), after an optional short sleep so that refills of several replicas overlap,
 * and a record of everything it generated. The application's instance is selected by
 * {@link KeyCacheTestProfile}; tests playing other replicas create their own.
 */
@Alternative
@ApplicationScoped
public class CountingPoolKeyGenerator implements PoolKeyGenerator {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Set<String>> generated = new ConcurrentHashMap<>();
    private final long sleepMillis;

    public CountingPoolKeyGenerator() {
        this(5);
    }

    CountingPoolKeyGenerator(long sleepMillis) {
        this.sleepMillis = sleepMillis;
    }

    @Override
    public byte[] generate(String profile) {
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating", e);
            }
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        if (!generated(profile).add(hex(key))) {
            throw new AssertionError("the test generator repeated itself");
        }
        return key;
    }

    /** Hex of every key generated for {@code profile} so far (live view). */
    Set<String> generated(String profile) {
        return generated.computeIfAbsent(profile, p -> ConcurrentHashMap.newKeySet());
    }

    int count(String profile) {
        return generated(profile).size();
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
