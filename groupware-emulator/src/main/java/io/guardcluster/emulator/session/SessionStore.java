package io.guardcluster.emulator.session;

import java.util.Optional;

/**
 * Where a node keeps its sessions. The default is {@link InMemorySessionStore}: the emulator's sessions are
 * the groupware backend's own state, held by the node that created them. A cluster of emulator nodes behind a
 * cookie-routing front can keep node-local stores (wrong routing then loses the session, as with OX without a
 * distributed session storage) or plug in a shared one.
 */
public interface SessionStore {

    void add(Session session);

    /** The live session with this id, touched (idle timer restarted); empty if unknown or idle too long. */
    Optional<Session> get(String sessionId);

    /** Removes and returns the session (logout). */
    Optional<Session> remove(String sessionId);

    /** Number of live sessions. */
    int size();
}
