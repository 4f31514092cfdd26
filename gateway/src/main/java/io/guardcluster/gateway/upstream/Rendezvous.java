package io.guardcluster.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;

/**
 * Rendezvous (highest random weight) hashing: a session goes to the replica with the highest
 * score(session, replica). Removing a replica moves only the sessions it had; adding one takes
 * about 1/N of the sessions from the others; nothing else moves. No ring, no shared state: every
 * gateway replica computes the same answer from the same replica list.
 */
public final class Rendezvous {

    private Rendezvous() {
    }

    /** The replica for {@code key} among the healthy ones not in {@code exclude}; null if none. */
    public static Replica pick(String key, Collection<Replica> replicas, Set<Replica> exclude) {
        long keyHash = hash(key.getBytes(StandardCharsets.UTF_8));
        Replica best = null;
        long bestScore = 0;
        for (Replica replica : replicas) {
            if (!replica.isHealthy() || exclude.contains(replica)) {
                continue;
            }
            long score = mix(keyHash ^ replica.hashSeed());
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = replica;
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a 64 folded through the splitmix64 finaliser: fast, and well spread for similar keys. */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
