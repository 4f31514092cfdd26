package io.guardcluster.keyservice.keycache;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.exceptions.HotRodClientException;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

import io.guardcluster.common.seal.SealException;
import io.guardcluster.common.seal.Sealer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One replica's share of the cluster-wide key pool: claims keys from it and, in the background,
 * refills it together with the other replicas. {@link KeyCache} is the application's instance;
 * tests run more of them over their own Infinispan clients to play other replicas.
 *
 * <h2>Claiming: no key is ever handed out twice</h2>
 * A claim walks the profile's slots from a random one and, for each, sends one Hot Rod
 * {@code REMOVE} with {@link Flag#FORCE_RETURN_VALUE}: the server removes whatever the slot holds
 * and answers the value it removed, in one command executed on the key's primary owner under the
 * key's lock. Removes of one slot are therefore totally ordered, and a value is answered to exactly
 * the remove that took it out; every later remove finds the slot empty (or a newer value). The claim
 * hands out only the value its own remove answered, so a pooled key reaches at most one claimer,
 * whichever replica it runs on. This is the same server-side atomicity {@code getWithMetadata} +
 * {@code removeWithVersion} rests on (16.0.7's server compares the version, then runs
 * {@code cache.remove(key, valueItJustRead)}), in one round trip instead of two, and without that
 * pair's retry hazard: a conditional remove retried after a topology change also succeeds when the
 * entry is already gone (ISPN-3422), so two claimers could both be told they won. A retried plain
 * remove instead answers what the slot holds at the retry, so it can only lose a key. The cache is
 * also transactional (pessimistic), which Infinispan requires for correct retries of Hot Rod
 * operations that return the previous value (ISPN-2956). Every failure mode left (a timeout after
 * the server removed the entry, a lost answer) loses a key, never duplicates one; pooled values are
 * unique (random key material, random GCM nonce), so no entry can be mistaken for another.
 *
 * <h2>Refilling: all replicas together, never beyond the size</h2>
 * The pool has fixed slots {@code profile/0 .. profile/size-1}, so it can never hold more than
 * {@code size} keys. Every refill interval (and right after a claim on this replica) each replica
 * reads which slots are empty; for each it waits for a free generator thread, then takes the slot's
 * lease ({@code putIfAbsent} with a lifespan: exactly one replica gets it), checks again under the
 * lease that the slot is still empty, generates, seals, stores with {@code putIfAbsent} and
 * releases the lease. A key is only generated for a slot that was empty while its lease was held,
 * so replicas never generate for the same slot; the only waste is a lease that expires during
 * generation (lease lifetime far above generation time, i.e. a replica stalled), counted as
 * {@code discarded{reason=slot-taken}}.
 *
 * <h2>Infinispan unreachable</h2>
 * Every wait is bounded by the operation timeout. The first failure marks the pool unavailable
 * (logged once); claims then answer empty at once until a background pass reaches Infinispan again
 * (logged once). Availability of the service never depends on this pool.
 */
final class KeyPool {

    private static final Logger LOG = Logger.getLogger(KeyPool.class);

    static final String CACHE_NAME = "guard-key-cache";
    /**
     * Distributed over two owners; transactional so that Hot Rod's previous-value and conditional
     * operations stay atomic when they are retried across a topology change. Not persisted: losing
     * the pool costs only speed.
     */
    static final String CACHE_CONFIG = "<distributed-cache name=\"" + CACHE_NAME + "\" mode=\"SYNC\" owners=\"2\">"
            + "<encoding media-type=\"application/x-protostream\"/>"
            + "<locking isolation=\"REPEATABLE_READ\"/>"
            + "<transaction mode=\"NON_XA\" locking=\"PESSIMISTIC\"/>"
            + "</distributed-cache>";

    /** What one replica's pool does; {@link #of(KeyCacheConfig)} for the application's. */
    record Settings(List<String> profiles, int size, Duration refillInterval, int generatorThreads,
            Duration leaseLifetime, Duration operationTimeout, Duration refillQuietPeriod) {

        /** Without yielding to claims (refill whenever a slot is empty). */
        Settings(List<String> profiles, int size, Duration refillInterval, int generatorThreads, Duration leaseLifetime,
                Duration operationTimeout) {
            this(profiles, size, refillInterval, generatorThreads, leaseLifetime, operationTimeout, Duration.ZERO);
        }

        Settings {
            profiles = List.copyOf(profiles);
            for (String profile : profiles) {
                if (!PoolEntries.PROFILE.matcher(profile).matches()) {
                    throw new IllegalArgumentException("guard.key-cache.profiles: '" + profile
                            + "' is not a profile name (" + PoolEntries.PROFILE.pattern() + ")");
                }
            }
            require(size >= 0, "guard.key-cache.size must not be negative");
            require(generatorThreads >= 1, "guard.key-cache.generator-threads must be at least 1");
            require(refillInterval.toMillis() > 0, "guard.key-cache.refill-interval must be positive");
            require(operationTimeout.toMillis() > 0, "guard.key-cache.operation-timeout must be positive");
            require(leaseLifetime.compareTo(operationTimeout.multipliedBy(4)) > 0,
                    "guard.key-cache.lease-lifetime must be well above guard.key-cache.operation-timeout");
            require(!refillQuietPeriod.isNegative(), "guard.key-cache.refill-quiet-period must not be negative");
        }

        static Settings of(KeyCacheConfig config) {
            return new Settings(config.profiles(), config.size(), config.refillInterval(), config.generatorThreads(),
                    config.leaseLifetime(), config.operationTimeout(), config.refillQuietPeriod());
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** How long the server must deny knowing the cache before it is created again (see {@link #connect()}). */
    static final Duration RECREATE_AFTER = Duration.ofSeconds(10);

    private final Settings settings;
    /** When this replica last served a claim (see {@link #yieldToClaims}). */
    private volatile long lastClaimNanos = System.nanoTime() - Duration.ofDays(1).toNanos();
    private final Supplier<RemoteCacheManager> cacheManager;
    private final Supplier<Sealer> sealer;
    private final PoolKeyGenerator generator;
    private final Map<String, ProfileMeters> profiles = new LinkedHashMap<>();
    private final SecureRandom tokens = new SecureRandom();
    private final long timeoutNanos;
    private final AtomicBoolean unavailable = new AtomicBoolean();
    private final AtomicBoolean refillQueued = new AtomicBoolean();
    private final Semaphore generatorPermits;

    /** Null until opened; then kept (see {@link #connect()}). */
    private volatile RemoteCache<String, byte[]> cache;
    private volatile RemoteCache<String, byte[]> returningCache;
    /** When the server first answered that it does not know the cache (System.nanoTime()); 0 if it knows it. */
    private volatile long missingSince;
    private volatile boolean stopped;
    private volatile ScheduledExecutorService refiller;
    private volatile ExecutorService generators;

    KeyPool(Settings settings, Supplier<RemoteCacheManager> cacheManager, Supplier<Sealer> sealer,
            PoolKeyGenerator generator, MeterRegistry meters) {
        this.settings = settings;
        this.cacheManager = cacheManager;
        this.sealer = sealer;
        this.generator = generator;
        this.timeoutNanos = settings.operationTimeout().toNanos();
        this.generatorPermits = new Semaphore(settings.generatorThreads());
        if (settings.size() > 0) {
            for (String profile : settings.profiles()) {
                profiles.put(profile, new ProfileMeters(profile, meters));
            }
        }
    }

    /** Starts refilling in the background (first pass at once). */
    synchronized void start() {
        if (profiles.isEmpty() || refiller != null) {
            return;
        }
        refiller = Executors.newSingleThreadScheduledExecutor(daemon("key-cache-refill"));
        AtomicInteger n = new AtomicInteger();
        generators = Executors.newFixedThreadPool(settings.generatorThreads(),
                r -> daemon("key-cache-generator-" + n.incrementAndGet()).newThread(r));
        long interval = settings.refillInterval().toMillis();
        refiller.scheduleWithFixedDelay(this::refillPass, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** Stops refilling: running generations are interrupted and not stored; leases expire by themselves. */
    synchronized void stop() {
        stopped = true;
        for (ExecutorService executor : new ExecutorService[] { refiller, generators }) {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }

    boolean pooled(String profile) {
        return profiles.containsKey(profile);
    }

    // ------------------------------------------------------------------ claiming

    /** See {@link KeyCache#claim(String)}. */
    Optional<byte[]> claim(String profile) {
        ProfileMeters meters = profiles.get(profile);
        if (meters == null || stopped) {
            return Optional.empty();
        }
        RemoteCache<String, byte[]> c = returningCache;
        Sealer s = currentSealer();
        if (c == null || s == null || unavailable.get()) {
            meters.unavailable.increment();
            return Optional.empty();
        }
        lastClaimNanos = System.nanoTime();
        long started = System.nanoTime();
        long deadline = started + timeoutNanos;
        try {
            for (int slot : claimOrder(meters)) {
                // The atomic step: remove the slot's value and get back exactly what was removed.
                byte[] sealed = await(c.removeAsync(PoolEntries.slotKey(profile, slot)), deadline);
                meters.believedFilled.remove(slot);
                if (sealed == null) {
                    continue;
                }
                meters.removed();
                Optional<byte[]> key = open(meters, s, profile, slot, sealed);
                if (key.isPresent()) {
                    meters.claimTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    meters.hit.increment();
                    requestRefill();
                    return key;
                }
            }
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            failed(e);
            meters.unavailable.increment();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            meters.unavailable.increment();
            return Optional.empty();
        }
        meters.claimTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        meters.miss.increment();
        requestRefill();
        return Optional.empty();
    }

    /**
     * Every slot once: first those this replica believes hold a key, then the rest, each group from a random
     * start (so concurrent claimers rarely race for the same slot). The belief is only an ordering hint, kept
     * from the last refill pass's look at all slots and this replica's own stores and removes; the remove
     * alone decides what a claim gets. With a draining pool this saves the round trips a walk over empty
     * slots would cost.
     */
    private int[] claimOrder(ProfileMeters meters) {
        int size = settings.size();
        int[] order = new int[size];
        int n = 0;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % size;
            if (meters.believedFilled.contains(slot)) {
                order[n++] = slot;
            }
        }
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % size;
            if (!meters.believedFilled.contains(slot)) {
                order[n++] = slot;
            }
        }
        return order;
    }

    private static Optional<byte[]> open(ProfileMeters meters, Sealer s, String profile, int slot, byte[] sealed) {
        try {
            return Optional.of(PoolEntries.open(s, profile, slot, sealed));
        } catch (SealException e) {
            meters.unopenable.increment();
            LOG.warnf("discarded the pooled key in slot %s: %s", PoolEntries.slotKey(profile, slot), e.getMessage());
        } catch (PoolEntries.MisplacedEntryException e) {
            meters.misplaced.increment();
            LOG.warnf("discarded the pooled key in slot %s: it was sealed for another slot (moved in Infinispan)",
                    PoolEntries.slotKey(profile, slot));
        }
        return Optional.empty();
    }

    /** See {@link KeyCache#size(String)}. */
    int size(String profile) {
        if (!pooled(profile)) {
            return 0;
        }
        RemoteCache<String, byte[]> c = cache;
        if (c == null || unavailable.get()) {
            return -1;
        }
        try {
            return await(c.getAllAsync(slotKeys(profile)), System.nanoTime() + timeoutNanos).size();
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            failed(e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ------------------------------------------------------------------ refilling

    /** Runs a refill pass soon on the refill thread, unless one is already waiting to run. */
    private void requestRefill() {
        ScheduledExecutorService r = refiller;
        if (r != null && !stopped && refillQueued.compareAndSet(false, true)) {
            try {
                r.execute(() -> {
                    refillQueued.set(false);
                    refillPass();
                });
            } catch (RejectedExecutionException e) {
                refillQueued.set(false);
            }
        }
    }

    /** One look at every profile's slots, taking the lease of each empty one a generator thread is free for. */
    void refillPass() {
        if (stopped) {
            return;
        }
        try {
            if (!connect()) {
                return;
            }
            Sealer s = currentSealer();
            if (s == null) {
                return; // the master key is not verified yet; ClusterMasterKey reports that itself
            }
            for (Map.Entry<String, ProfileMeters> profile : profiles.entrySet()) {
                refill(profile.getKey(), profile.getValue());
            }
        } catch (TimeoutException | ExecutionException e) {
            failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (HotRodClientException e) {
            failed(e);
        } catch (RuntimeException e) {
            // Never let an exception cancel the periodic task.
            if (!stopped) {
                LOG.warnf("key cache refill pass failed: %s", brief(e));
            }
        }
    }

    private void refill(String profile, ProfileMeters meters)
            throws TimeoutException, ExecutionException, InterruptedException {
        RemoteCache<String, byte[]> c = cache;
        RemoteCache<String, byte[]> returning = returningCache;
        if (c == null || returning == null) {
            return;
        }
        // Yielding anyway by what this replica last saw: skip the look at all slots too (it reads every pooled
        // key's bytes), which would otherwise run after every claim of a burst. The periodic pass after the quiet
        // period looks again, and sees other replicas' claims.
        if (yieldToClaims(meters.pooled.get(), settings.size())) {
            return;
        }
        Map<String, byte[]> present = await(c.getAllAsync(slotKeys(profile)), System.nanoTime() + timeoutNanos);
        reachable();
        meters.pooled.set(present.size());
        int size = settings.size();
        Set<Integer> filledSlots = new HashSet<>();
        for (int slot = 0; slot < size; slot++) {
            if (present.containsKey(PoolEntries.slotKey(profile, slot))) {
                filledSlots.add(slot);
            }
        }
        meters.believedFilled.retainAll(filledSlots);
        meters.believedFilled.addAll(filledSlots);
        int start = ThreadLocalRandom.current().nextInt(size);
        int filled = present.size();
        for (int i = 0; i < size && !stopped; i++) {
            int slot = (start + i) % size;
            if (present.containsKey(PoolEntries.slotKey(profile, slot))) {
                continue;
            }
            if (yieldToClaims(filled, size)) {
                return; // a later pass fills the rest
            }
            // Take a lease only when a generator thread is free: a lease is held while generating, never while queued.
            generatorPermits.acquire();
            boolean handedOver = false;
            try {
                byte[] token = new byte[16];
                tokens.nextBytes(token);
                if (takeLease(c, returning, profile, slot, token)) {
                    generators.execute(() -> {
                        try {
                            fill(returning, profile, meters, slot, token);
                        } finally {
                            generatorPermits.release();
                        }
                    });
                    handedOver = true;
                }
            } finally {
                if (!handedOver) {
                    generatorPermits.release();
                }
            }
        }
    }

    /**
     * Whether to leave the generator idle for now: this replica served a claim within the quiet period
     * and the pool still holds a quarter of its keys. Generating an RSA key takes a whole core for up
     * to seconds; during a burst of new users that core is better spent answering them from the pool
     * (on 2 cores a running generator triples provisioning latency). Below the low-water mark the pool
     * refills regardless, so a long burst does not drain it.
     */
    private boolean yieldToClaims(int filled, int size) {
        long quiet = settings.refillQuietPeriod().toNanos();
        return quiet > 0 && filled * 4 > size && System.nanoTime() - lastClaimNanos < quiet;
    }

    /**
     * True if this replica now holds the lease of the slot and the slot is empty. putIfAbsent answers
     * the value that was there (FORCE_RETURN_VALUE): none, or our own token if the client had to
     * resend the command, means the lease is ours.
     */
    private boolean takeLease(RemoteCache<String, byte[]> c, RemoteCache<String, byte[]> returning, String profile,
            int slot, byte[] token) throws TimeoutException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] holder = await(returning.putIfAbsentAsync(PoolEntries.leaseKey(profile, slot), token,
                settings.leaseLifetime().toMillis(), TimeUnit.MILLISECONDS), deadline);
        if (holder != null && !Arrays.equals(holder, token)) {
            return false; // another replica is filling this slot
        }
        // Filled (and its lease released) since our snapshot of the slots was taken: nothing to do.
        if (await(c.containsKeyAsync(PoolEntries.slotKey(profile, slot)), deadline)) {
            releaseLease(c, profile, slot, token);
            return false;
        }
        return true;
    }

    /** On a generator thread, holding the slot's lease. */
    private void fill(RemoteCache<String, byte[]> returning, String profile, ProfileMeters meters, int slot, byte[] token) {
        try {
            if (stopped) {
                return;
            }
            long t0 = System.nanoTime();
            byte[] key = generator.generate(profile);
            meters.generation.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            meters.generated.increment();
            Sealer s = currentSealer();
            if (s == null || stopped) {
                meters.unstored.increment();
                return;
            }
            byte[] sealed;
            try {
                sealed = PoolEntries.seal(s, profile, slot, key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            byte[] occupant = await(returning.putIfAbsentAsync(PoolEntries.slotKey(profile, slot), sealed),
                    System.nanoTime() + timeoutNanos);
            if (occupant == null || Arrays.equals(occupant, sealed)) {
                meters.stored();
                meters.believedFilled.add(slot);
            } else {
                // Our lease expired while generating and another replica filled the slot.
                meters.slotTaken.increment();
                LOG.debugf("slot %s was filled by another replica while this one generated for it; key discarded",
                        PoolEntries.slotKey(profile, slot));
            }
        } catch (TimeoutException | ExecutionException e) {
            meters.unstored.increment();
            failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.warnf("generating a pooled %s key failed: %s", profile, brief(e));
            }
        } finally {
            if (!stopped) {
                releaseLease(cache, profile, slot, token);
            }
        }
    }

    /** Removes the lease if it is still ours (version-checked); if that fails it expires by itself. */
    private void releaseLease(RemoteCache<String, byte[]> c, String profile, int slot, byte[] token) {
        if (c == null) {
            return;
        }
        String key = PoolEntries.leaseKey(profile, slot);
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            MetadataValue<byte[]> lease = await(c.getWithMetadataAsync(key), deadline);
            if (lease != null && Arrays.equals(lease.getValue(), token)) {
                await(c.removeWithVersionAsync(key, lease.getVersion()), deadline);
            }
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            LOG.debugf("could not release the lease of %s (it expires by itself): %s", key, brief(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ Infinispan

    /**
     * Opens the pool's cache, creating it only if the server does not have it. Blocking; on the refill
     * thread (and once in tests). True if the cache is open.
     *
     * <p>Once open, the cache is kept through outages (the Hot Rod client reconnects by itself). The
     * administrative {@code getOrCreateCache} runs as a server task, and a task that arrives while an
     * Infinispan 16.0.7 server is still starting its cache manager deadlocks that server's start (seen
     * in KeyCacheOutageTest: the restarted server never became ready). So it is never sent in a retry
     * loop: only to open the cache the first time, and again only if the server has kept answering
     * that it does not know the cache for {@link #RECREATE_AFTER} (a new Infinispan cluster without
     * the old one's state; a restarting server also answers so for a moment while it starts caches).
     */
    boolean connect() {
        RemoteCache<String, byte[]> open = cache;
        long missing = missingSince;
        if (open != null && (missing == 0 || System.nanoTime() - missing < RECREATE_AFTER.toNanos())) {
            return true;
        }
        try {
            RemoteCacheManager manager = cacheManager.get();
            RemoteCache<String, byte[]> c = open == null ? manager.getCache(CACHE_NAME) : null;
            if (c == null) {
                if (open != null) {
                    LOG.warnf("key cache: Infinispan has not known cache %s for %s; creating it again", CACHE_NAME,
                            RECREATE_AFTER);
                    missingSince = System.nanoTime(); // not again before another RECREATE_AFTER
                }
                c = manager.administration().getOrCreateCache(CACHE_NAME, new StringConfiguration(CACHE_CONFIG));
            }
            returningCache = c.withFlags(Flag.FORCE_RETURN_VALUE);
            cache = c;
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Infinispan answered a data operation: clears the outage (logged once). */
    private void reachable() {
        missingSince = 0;
        if (unavailable.compareAndSet(true, false)) {
            LOG.info("key cache: Infinispan is reachable again; claiming pooled keys and refilling the pool");
        }
    }

    /**
     * Infinispan failed or did not answer in time: claims answer empty at once until a refill pass
     * reaches it again. Logged once per outage.
     */
    private void failed(Throwable e) {
        if (stopped) {
            return;
        }
        if (cacheMissing(e) && missingSince == 0) {
            missingSince = System.nanoTime(); // see connect()
        }
        if (unavailable.compareAndSet(false, true)) {
            LOG.warnf("key cache: Infinispan unavailable (%s); keys are generated when needed until it is back, "
                    + "retrying every %s", brief(e), settings.refillInterval());
        }
    }

    private static boolean cacheMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("CacheNotFoundException")) {
                return true;
            }
        }
        return false;
    }

    private Sealer currentSealer() {
        try {
            return sealer.get();
        } catch (RuntimeException e) {
            return null; // master key not verified (yet)
        }
    }

    private Set<String> slotKeys(String profile) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < settings.size(); i++) {
            keys.add(PoolEntries.slotKey(profile, i));
        }
        return keys;
    }

    private static <T> T await(CompletableFuture<T> future, long deadlineNanos)
            throws TimeoutException, ExecutionException, InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new TimeoutException("no time left for the next Infinispan operation");
        }
        return future.get(remaining, TimeUnit.NANOSECONDS);
    }

    private static String brief(Throwable t) {
        Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The meters of one pooled profile, and the pool size this replica last saw. */
    private static final class ProfileMeters {
        /** Last observed number of pooled keys (refill pass, then adjusted by this replica); -1 before the first look. */
        final AtomicInteger pooled = new AtomicInteger(-1);
        /** Slots this replica believes hold a key (see {@link KeyPool#claimOrder}). */
        final Set<Integer> believedFilled = ConcurrentHashMap.newKeySet();
        final Timer claimTime;
        final Counter hit;
        final Counter miss;
        final Counter unavailable;
        final Counter generated;
        final Counter unopenable;
        final Counter misplaced;
        final Counter slotTaken;
        final Counter unstored;
        final Timer generation;

        ProfileMeters(String profile, MeterRegistry registry) {
            Gauge.builder("guard.key.cache.size", pooled, p -> p.get() < 0 ? Double.NaN : p.get())
                    .tag("profile", profile)
                    .description("Keys in the cluster-wide pool, as this replica last saw it (at most one refill interval old)")
                    .register(registry);
            hit = claims(registry, profile, "hit");
            miss = claims(registry, profile, "miss");
            unavailable = claims(registry, profile, "unavailable");
            generated = Counter.builder("guard.key.cache.generated").tag("profile", profile)
                    .description("Keys this replica generated for the pool").register(registry);
            claimTime = Timer.builder("guard.key.cache.claim").tag("profile", profile)
                    .description("Time to claim a pooled key from Infinispan (hits and misses)").register(registry);
            generation = Timer.builder("guard.key.cache.generation").tag("profile", profile)
                    .description("Time to generate one pooled key").register(registry);
            unopenable = discarded(registry, profile, "unopenable");
            misplaced = discarded(registry, profile, "misplaced");
            slotTaken = discarded(registry, profile, "slot-taken");
            unstored = discarded(registry, profile, "unstored");
        }

        private static Counter claims(MeterRegistry registry, String profile, String result) {
            return Counter.builder("guard.key.cache.claims").tag("profile", profile).tag("result", result)
                    .description("Claims of a pooled key: hit (got one), miss (pool empty), unavailable (Infinispan or master key)")
                    .register(registry);
        }

        private static Counter discarded(MeterRegistry registry, String profile, String reason) {
            return Counter.builder("guard.key.cache.discarded").tag("profile", profile).tag("reason", reason)
                    .description("Pooled keys thrown away: unopenable (tampered or foreign master key), misplaced "
                            + "(moved to another slot), slot-taken (lease expired while generating), unstored (Infinispan failed)")
                    .register(registry);
        }

        void removed() {
            pooled.updateAndGet(n -> n > 0 ? n - 1 : n);
        }

        void stored() {
            pooled.updateAndGet(n -> n >= 0 ? n + 1 : n);
        }
    }

    List<String> profiles() {
        return new ArrayList<>(profiles.keySet());
    }
}
