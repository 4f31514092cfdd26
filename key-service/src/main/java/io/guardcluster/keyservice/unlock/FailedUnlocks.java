package io.guardcluster.keyservice.unlock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.jboss.logging.Logger;

import io.guardcluster.common.infinispan.SharedCache;
import io.guardcluster.keyservice.account.AccountConfig;

/**
 * Wrong Guard passwords, counted cluster-wide in Infinispan: after {@code maxFailures} in a row the
 * user's keys are locked for {@code lockout}, whichever replica is asked. A right password clears the
 * count.
 *
 * <p>Entry per user: {@code "<failures>,<locked-until epoch ms or 0>"}, living {@code lockout} after
 * the last failure. Updates are compare-and-swap on the entry's version, so concurrent failures on
 * several replicas all count. While Infinispan is down the count falls back to this replica's memory
 * (weaker, but never unlimited guessing; the gateway's per-user rate limit bounds it further).
 */
@ApplicationScoped
public class FailedUnlocks {

    private static final Logger LOG = Logger.getLogger(FailedUnlocks.class);
    static final String CACHE = "guard-unlock-failures";
    private static final String CACHE_CONFIG = "<distributed-cache name=\"" + CACHE + "\" mode=\"SYNC\" owners=\"2\">"
            + "<encoding media-type=\"text/plain; charset=UTF-8\"/></distributed-cache>";

    private final AccountConfig.Unlock config;
    private final SharedCache cache;
    private final Clock clock;
    private final Map<String, State> local = new ConcurrentHashMap<>();

    /** Failures so far and, once locked, until when. */
    record State(int failures, long lockedUntilMillis) {
        static State parse(String value) {
            int comma = value.indexOf(',');
            return new State(Integer.parseInt(value.substring(0, comma)), Long.parseLong(value.substring(comma + 1)));
        }

        String format() {
            return failures + "," + lockedUntilMillis;
        }
    }

    @Inject
    FailedUnlocks(AccountConfig.Unlock config, Instance<RemoteCacheManager> manager) {
        this(config, new SharedCache(manager, CACHE, CACHE_CONFIG, Duration.ofMillis(500), LOG), Clock.systemUTC());
    }

    FailedUnlocks(AccountConfig.Unlock config, SharedCache cache, Clock clock) {
        this.config = config;
        this.cache = cache;
        this.clock = clock;
    }

    /** How long the user's keys stay locked, or empty if they may try. Blocking. */
    public Optional<Duration> lockedFor(int contextId, int userId) {
        return remaining(current(key(contextId, userId)));
    }

    /** Counts one wrong password; returns the lock duration if this failure locked the keys. Blocking. */
    public Optional<Duration> recordFailure(int contextId, int userId) {
        String key = key(contextId, userId);
        long lifespan = config.lockout().toSeconds();
        try {
            for (int attempt = 0; attempt < 32; attempt++) {
                MetadataValue<String> current = cache.call(c -> c.getWithMetadataAsync(key));
                State next = next(current == null ? null : State.parse(current.getValue()));
                boolean stored;
                if (current == null) {
                    stored = cache.call(c -> c.withFlags(Flag.FORCE_RETURN_VALUE)
                            .putIfAbsentAsync(key, next.format(), lifespan, TimeUnit.SECONDS)) == null;
                } else {
                    stored = cache.call(c -> c.replaceWithVersionAsync(key, next.format(), current.getVersion(),
                            lifespan, TimeUnit.SECONDS, 0, TimeUnit.SECONDS));
                }
                if (stored) {
                    return remaining(next);
                }
            }
            // Contention beyond reason: count it locally rather than not at all.
            return remaining(local.compute(key, (k, state) -> next(state)));
        } catch (SharedCache.UnavailableException e) {
            return remaining(local.compute(key, (k, state) -> next(state)));
        }
    }

    /** How many wrong passwords remain before the lock (after {@link #recordFailure}). Blocking. */
    public int remainingAttempts(int contextId, int userId) {
        State state = current(key(contextId, userId));
        return Math.max(0, config.maxFailures() - (state == null ? 0 : state.failures()));
    }

    /** The cluster's count, or this replica's own while Infinispan is unavailable; null if none. */
    private State current(String key) {
        try {
            String value = cache.call(c -> c.getAsync(key));
            return value == null ? null : State.parse(value);
        } catch (SharedCache.UnavailableException e) {
            return local.get(key);
        }
    }

    /** A right password: the count starts again. Blocking. */
    public void clear(int contextId, int userId) {
        String key = key(contextId, userId);
        local.remove(key);
        try {
            cache.call(c -> c.removeAsync(key));
        } catch (SharedCache.UnavailableException e) {
            // The entry expires on its own; a stale count can only make the lock stricter.
        }
    }

    private State next(State state) {
        long now = clock.millis();
        if (state != null && state.lockedUntilMillis() != 0 && state.lockedUntilMillis() <= now) {
            state = null; // a lock that has run out starts a fresh count
        }
        int failures = (state == null ? 0 : state.failures()) + 1;
        long lockedUntil = failures >= config.maxFailures() ? now + config.lockout().toMillis() : 0;
        return new State(failures, lockedUntil);
    }

    private Optional<Duration> remaining(State state) {
        if (state == null || state.lockedUntilMillis() == 0) {
            return Optional.empty();
        }
        Duration left = Duration.between(Instant.ofEpochMilli(clock.millis()), Instant.ofEpochMilli(state.lockedUntilMillis()));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    private static String key(int contextId, int userId) {
        return contextId + "/" + userId;
    }
}
