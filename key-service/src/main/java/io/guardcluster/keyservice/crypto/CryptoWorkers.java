package io.guardcluster.keyservice.crypto;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.problem.GuardProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;

/**
 * Where CPU-heavy cryptography runs: password hashing, key generation, private-key operations. Never
 * the event loop, and not Quarkus' general worker pool either, which is sized for blocking I/O: a
 * pool as wide as the machine, with a bounded queue. When the queue is full the request is refused
 * with 503 and {@code Retry-After} instead of piling up memory (each Argon2 hash holds 19 MiB).
 */
@ApplicationScoped
public class CryptoWorkers {

    /** Sizing of the crypto pool. */
    @ConfigMapping(prefix = "guard.crypto")
    public interface Config {
        /** Threads for CPU-heavy crypto; 0 means one per available processor. */
        @WithDefault("0")
        int threads();

        /** Operations that may wait for a thread before new ones are refused with 503. */
        @WithDefault("512")
        int queue();
    }

    private final ThreadPoolExecutor executor;

    CryptoWorkers(Config config, MeterRegistry meters) {
        int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.queue()),
                task -> {
                    Thread thread = new Thread(task, "guard-crypto-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        Gauge.builder("guard.crypto.queue", executor, e -> e.getQueue().size())
                .description("crypto operations waiting for a thread").register(meters);
        Gauge.builder("guard.crypto.active", executor, ThreadPoolExecutor::getActiveCount)
                .description("crypto operations running").register(meters);
    }

    /** Runs {@code work} on a crypto thread; the result (or failure) arrives on that thread. */
    public <T> Uni<T> run(Callable<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            try {
                executor.execute(() -> {
                    T result;
                    try {
                        result = work.call();
                    } catch (Throwable e) {
                        emitter.fail(e);
                        return;
                    }
                    emitter.complete(result);
                });
            } catch (RejectedExecutionException e) {
                emitter.fail(new GuardProblemException(503, "crypto-busy", "Service unavailable",
                        "this replica is busy with other cryptographic work; try again shortly", 1));
            }
        });
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
