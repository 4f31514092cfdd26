package io.guardcluster.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RendezvousTest {

    private static final int SESSIONS = 30_000;
    private final List<String> sessions = new ArrayList<>();

    RendezvousTest() {
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(UUID.randomUUID().toString().replace("-", "") + ".node" + (i % 2 + 1));
        }
    }

    private static List<Replica> replicas(int n) {
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replicas.add(new Replica("10.0.0." + (i + 1), 8081));
        }
        return replicas;
    }

    private Map<String, String> assign(List<Replica> replicas) {
        Map<String, String> placement = new HashMap<>();
        for (String session : sessions) {
            placement.put(session, Rendezvous.pick(session, replicas, Set.of()).id());
        }
        return placement;
    }

    @Test
    void spreadsSessionsEvenly() {
        Map<String, Integer> counts = new HashMap<>();
        assign(replicas(3)).values().forEach(r -> counts.merge(r, 1, Integer::sum));
        assertThat(counts).hasSize(3);
        counts.values().forEach(c -> assertThat(c).isBetween(SESSIONS / 3 - 600, SESSIONS / 3 + 600));
    }

    @Test
    void isStable() {
        assertThat(assign(replicas(3))).isEqualTo(assign(replicas(3)));
    }

    @Test
    void addingAReplicaMovesAboutOneNthAndOnlyToTheNewOne() {
        Map<String, String> before = assign(replicas(3));
        List<Replica> four = replicas(4);
        Map<String, String> after = assign(four);
        long moved = sessions.stream().filter(s -> !before.get(s).equals(after.get(s))).count();
        assertThat(moved).isBetween((long) (SESSIONS * 0.22), (long) (SESSIONS * 0.28));
        sessions.stream().filter(s -> !before.get(s).equals(after.get(s)))
                .forEach(s -> assertThat(after.get(s)).isEqualTo(four.get(3).id()));
    }

    @Test
    void losingAReplicaMovesOnlyItsSessions() {
        List<Replica> three = replicas(3);
        Map<String, String> before = assign(three);
        three.get(1).markHealthy(false);
        Map<String, String> after = assign(three);
        for (String s : sessions) {
            if (before.get(s).equals(three.get(1).id())) {
                assertThat(after.get(s)).isNotEqualTo(three.get(1).id());
            } else {
                assertThat(after.get(s)).isEqualTo(before.get(s));
            }
        }
    }

    @Test
    void replicaSetSkipsTriedReplicasAndFallsBackWhenNoneIsHealthy() {
        ReplicaSet set = new ReplicaSet("key-service");
        List<Replica> two = replicas(2);
        set.update(two);
        Replica first = set.pick("session-1", Set.of());
        Replica second = set.pick("session-1", Set.of(first));
        assertThat(second).isNotNull().isNotEqualTo(first);
        assertThat(set.pick("session-1", Set.of(first, second))).isNull();

        two.forEach(r -> r.markHealthy(false));
        assertThat(set.pick("session-1", Set.of())).as("stale health must not refuse outright").isNotNull();
        assertThat(set.pick(null, Set.of())).isNotNull();
    }

    @Test
    void updateKeepsTheHealthOfKnownReplicas() {
        ReplicaSet set = new ReplicaSet("key-service");
        set.update(replicas(2));
        set.replicas().get(0).markHealthy(false);
        set.update(replicas(3));
        assertThat(set.replicas()).hasSize(3);
        assertThat(set.replicas().get(0).isHealthy()).isFalse();
        assertThat(set.healthyCount()).isEqualTo(2);
    }
}
