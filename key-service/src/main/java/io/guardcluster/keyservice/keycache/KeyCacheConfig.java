package io.guardcluster.keyservice.keycache;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The key cache: a cluster-wide pool of pre-generated keys in Infinispan (see {@link KeyCache}).
 * Every replica must use the same {@code profiles} and {@code size}: they share the pool's slots.
 */
@ConfigMapping(prefix = "guard.key-cache")
public interface KeyCacheConfig {

    /**
     * Whether keys are pooled at all. Off: {@link KeyCache#claim(String)} always answers empty and
     * nothing is generated in the background (every key is generated when it is needed).
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The key profiles that are pooled (names {@link PoolKeyGenerator#generate(String)} understands,
     * lower case letters, digits and dashes). Claims of any other profile answer empty.
     */
    @WithDefault("rsa3072")
    List<String> profiles();

    /**
     * Keys kept ready per profile, for the whole cluster (not per replica): the replicas together
     * refill the pool up to this many and no further. 0 pools nothing.
     */
    @WithDefault("20")
    int size();

    /**
     * How often each replica looks for empty slots to refill. A claim also starts a refill on the
     * replica that served it, so this mostly matters for slots emptied by other replicas.
     */
    @WithDefault("5s")
    Duration refillInterval();

    /**
     * After serving a claim, how long this replica leaves its generator idle while the pool still
     * holds a quarter of its keys, so that a burst of new users is answered from the pool instead of
     * competing with RSA generation for the CPU. 0 refills at once.
     */
    @WithDefault("2s")
    Duration refillQuietPeriod();

    /**
     * Threads this replica generates keys on. Generation is CPU-heavy (RSA: 0.3–2 s per key), so
     * this bounds how much CPU refilling takes from request handling.
     */
    @WithDefault("1")
    int generatorThreads();

    /**
     * How long a replica may hold the right to generate the key of one slot before another may take
     * it over. Must comfortably exceed the time one key takes to generate; it only matters when a
     * replica dies while generating (its slot stays empty this long).
     */
    @WithDefault("60s")
    Duration leaseLifetime();

    /**
     * Upper bound for one claim's (and each background step's) wait for Infinispan. A claim that
     * gets no answer within it answers empty, so the caller generates the key itself.
     */
    @WithDefault("500ms")
    Duration operationTimeout();
}
