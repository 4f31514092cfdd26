package io.guardcluster.testing;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Samples a service process's resident set size every 50 ms and keeps the peak (bounded-memory tests). */
public final class RssSampler implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;

    public RssSampler(ServiceProcess process) {
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    peak.accumulateAndGet(process.residentBytes(), Math::max);
                    Thread.sleep(50);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    public long peak() {
        return peak.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
