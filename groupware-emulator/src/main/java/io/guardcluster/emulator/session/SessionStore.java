package io.guardcluster.emulator.session;

import java.util.Map;
import java.util.Optional;

/**
 * Where the emulated middleware cluster keeps its sessions, as OX does with sessiond plus a distributed session
 * storage (Hazelcast): every session is known cluster-wide, and every node keeps its own local set of the sessions
 * it worked with. A node asked for a session it does not hold locally restores it from the distributed storage and
 * keeps a local copy from then on; that copy is an extra session on that node, which is why a caller should send the
 * {@code JSESSIONID} cookie that routes it back to the node holding its session. The default is
 * {@link ClusterSessionStore}.
 */
public interface SessionStore {

    /** A session created by {@code node} (login): stored cluster-wide and held locally by that node. */
    void add(String node, Session session);

    /**
     * The live session with this id as {@code node} sees it, touched (idle timer restarted): held locally, or
     * restored from the distributed storage (counted as a re-created session of {@code node}); empty if unknown or
     * idle too long.
     */
    Optional<Session> get(String node, String sessionId);

    /** The live session with this id, looked up in the distributed storage only: no node restores it, none touches it. */
    Optional<Session> peek(String sessionId);

    /** Removes the session cluster-wide (logout) and returns it. */
    Optional<Session> remove(String sessionId);

    /** Number of live sessions cluster-wide. */
    int size();

    /** Per node: how many live sessions it holds locally and how many of those it re-created. */
    Map<String, NodeSessions> perNode();

    /** A node's sessions: held locally now, and re-created from the distributed storage so far. */
    record NodeSessions(int localSessions, long sessionsRecreated) {
    }
}
