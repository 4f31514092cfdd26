package io.guardcluster.gateway.upstream;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replicas of one service and the choice among them: sticky by session (rendezvous hashing over
 * the healthy replicas), round robin without one. The list is replaced whole when discovery sees a
 * change, keeping the health of replicas that stayed.
 */
public final class ReplicaSet {

    private final String service;
    private volatile List<Replica> replicas = List.of();
    private final AtomicInteger next = new AtomicInteger();

    public ReplicaSet(String service) {
        this.service = service;
    }

    public String service() {
        return service;
    }

    public List<Replica> replicas() {
        return replicas;
    }

    /** Replaces the list; replicas already known keep their object (and so their health). */
    public synchronized void update(List<Replica> discovered) {
        List<Replica> current = replicas;
        replicas = discovered.stream()
                .map(d -> current.stream().filter(c -> c.id().equals(d.id())).findFirst().orElse(d))
                .toList();
    }

    /**
     * The replica for a request: {@code affinityKey} (the JSESSIONID) pins it, else round robin.
     * Skips unhealthy replicas and those in {@code exclude} (already tried for this request).
     * When no replica is healthy, falls back to any untried one: health information may be a
     * second old, and trying costs less than refusing. Null when every replica was tried.
     */
    public Replica pick(String affinityKey, Set<Replica> exclude) {
        List<Replica> all = replicas;
        Replica chosen = affinityKey != null ? Rendezvous.pick(affinityKey, all, exclude) : roundRobin(all, exclude, true);
        return chosen != null ? chosen : roundRobin(all, exclude, false);
    }

    private Replica roundRobin(List<Replica> all, Set<Replica> exclude, boolean healthyOnly) {
        int size = all.size();
        int start = Math.floorMod(next.getAndIncrement(), Math.max(size, 1));
        for (int i = 0; i < size; i++) {
            Replica candidate = all.get((start + i) % size);
            if (!exclude.contains(candidate) && (!healthyOnly || candidate.isHealthy())) {
                return candidate;
            }
        }
        return null;
    }

    public long healthyCount() {
        return replicas.stream().filter(Replica::isHealthy).count();
    }
}
