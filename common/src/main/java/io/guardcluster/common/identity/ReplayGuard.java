package io.guardcluster.common.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers the nonces of identities this replica accepted until they expire, so the same signed
 * header cannot be used twice. Local to the replica on purpose: an identity is bound to one
 * replica's authority ({@link RequestBinding}), so no other replica would accept it anyway.
 *
 * <p>Cost: a map insert per request; expired nonces are swept at most once per second (a sweep on
 * every request once the map was large cost key-service 90 % of its CPU in the gateway benchmark).
 * Memory is bounded: when {@link #CAPACITY} nonces are live the guard answers {@link Use#FULL} and the
 * caller asks the client to retry (503), rather than accepting an identity it cannot check.
 */
public final class ReplayGuard {

    /** Live nonces at most: ~50 k requests/s per replica with the gateway's 10 s identities. */
    static final int CAPACITY = 500_000;
    private static final long SWEEP_INTERVAL_MILLIS = 1_000;

    /** What presenting a nonce meant. */
    public enum Use {
        FIRST, REPLAYED, FULL
    }

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();
    private final Clock clock;

    public ReplayGuard(Clock clock) {
        this.clock = clock;
    }

    public Use use(String nonce, Instant expiresAt) {
        long now = clock.millis();
        long last = lastSweep.get();
        if (now - last >= SWEEP_INTERVAL_MILLIS && lastSweep.compareAndSet(last, now)) {
            purgeExpired(now);
        }
        if (seen.size() >= CAPACITY) {
            return Use.FULL;
        }
        return seen.putIfAbsent(nonce, expiresAt.toEpochMilli()) == null ? Use.FIRST : Use.REPLAYED;
    }

    void purgeExpired(long now) {
        seen.values().removeIf(expiry -> expiry <= now);
    }

    int size() {
        return seen.size();
    }
}
