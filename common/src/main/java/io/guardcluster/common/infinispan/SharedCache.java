package io.guardcluster.common.infinispan;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.inject.Instance;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.commons.configuration.StringConfiguration;
import org.jboss.logging.Logger;

/**
 * One shared Infinispan cache as a service uses it when losing Infinispan must cost speed, never
 * availability: opened lazily (a service boots while Infinispan is down), every operation bounded by
 * a short timeout, and an outage logged once when it starts and once when it ends, not per request.
 *
 * <p>Blocking: call {@link #call} from a worker thread, never the event loop.
 */
public final class SharedCache {

    /** Infinispan did not answer (down, unreachable, or too slow): the caller degrades. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private static final long REOPEN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long CREATE_AFTER_MISSING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final Instance<RemoteCacheManager> manager;
    private final String name;
    private final String configuration;
    private final Duration timeout;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile RemoteCache<String, String> cache;
    private volatile long nextOpenAttempt;
    private volatile long missingSince;
    private volatile boolean openedBefore;

    /**
     * @param configuration the cache's XML configuration (created on the server if missing)
     * @param timeout       the longest one operation may take before it counts as an outage
     */
    public SharedCache(Instance<RemoteCacheManager> manager, String name, String configuration, Duration timeout,
            Logger log) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.timeout = timeout;
        this.log = log;
    }

    /** Runs one asynchronous cache operation and waits for it, at most the configured timeout. */
    public <T> T call(Function<RemoteCache<String, String>, CompletionStage<T>> operation) throws UnavailableException {
        RemoteCache<String, String> open = open();
        try {
            T result = operation.apply(open).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (down.compareAndSet(true, false)) {
                log.infof("Infinispan cache %s is available again", name);
            }
            return result;
        } catch (TimeoutException e) {
            throw unavailable("no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        } catch (RuntimeException e) {
            throw unavailable(e.getClass().getSimpleName(), e);
        }
    }

    /** True while the last operation failed (for metrics and degraded answers). */
    public boolean isDown() {
        return down.get();
    }

    private RemoteCache<String, String> open() throws UnavailableException {
        RemoteCache<String, String> current = cache;
        if (current != null) {
            return current;
        }
        if (System.nanoTime() - nextOpenAttempt < 0) {
            throw new UnavailableException("Infinispan cache " + name + " is not available", null);
        }
        synchronized (this) {
            if (cache == null) {
                nextOpenAttempt = System.nanoTime() + REOPEN_AFTER_NANOS;
                try {
                    cache = CompletableFuture.supplyAsync(this::getOrCreate)
                            .get(timeout.toMillis() * 4, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    throw unavailable("cannot open the cache: " + e.getClass().getSimpleName(), e);
                }
            }
            return cache;
        }
    }

    /**
     * The cache if the server has it, else created. The administrative create runs as a server task,
     * and one arriving while an Infinispan 16.0.7 server is still starting deadlocks that start (seen in
     * the key cache's outage test), so after the first open it is sent only when the server has
     * answered "no such cache" for {@link #CREATE_AFTER_MISSING_NANOS}, never in a tight retry loop.
     */
    private RemoteCache<String, String> getOrCreate() {
        RemoteCacheManager remote = manager.get();
        RemoteCache<String, String> existing = remote.getCache(name);
        if (existing != null) {
            missingSince = 0;
            openedBefore = true;
            return existing;
        }
        long now = System.nanoTime();
        if (openedBefore && (missingSince == 0 || now - missingSince < CREATE_AFTER_MISSING_NANOS)) {
            if (missingSince == 0) {
                missingSince = now;
            }
            throw new IllegalStateException("the server does not know cache " + name + " (yet)");
        }
        RemoteCache<String, String> created = remote.administration().getOrCreateCache(name,
                new StringConfiguration(configuration));
        openedBefore = true;
        missingSince = 0;
        return created;
    }

    private UnavailableException unavailable(String why, Throwable cause) {
        if (down.compareAndSet(false, true)) {
            // Once per outage: every request during it would otherwise log the same thing.
            log.warnf("Infinispan cache %s is unavailable (%s); degrading until it answers again", name, why);
        }
        return new UnavailableException("Infinispan cache " + name + " is unavailable: " + why, cause);
    }
}
