package io.guardcluster.common.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the nonces of identities this replica accepted until they expire, so the same signed
 * header cannot be used twice. Local to the replica on purpose: an identity is bound to one
 * replica's authority ({@link RequestBinding}), so no other replica would accept it anyway.
 */
public final class ReplayGuard {

    /** Bounded memory: at that many live nonces, new identities are refused until old ones expire. */
    static final int CAPACITY = 500_000;

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    public ReplayGuard(Clock clock) {
        this.clock = clock;
    }

    /** True the first time a nonce is presented before {@code expiresAt}; false for a replay. */
    public boolean firstUse(String nonce, Instant expiresAt) {
        if (seen.size() >= CAPACITY / 2) {
            purgeExpired();
        }
        if (seen.size() >= CAPACITY) {
            return false;
        }
        return seen.putIfAbsent(nonce, expiresAt.toEpochMilli()) == null;
    }

    void purgeExpired() {
        long now = clock.millis();
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext();) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }

    int size() {
        return seen.size();
    }
}
