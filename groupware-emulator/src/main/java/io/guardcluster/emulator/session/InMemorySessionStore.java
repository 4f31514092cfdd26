package io.guardcluster.emulator.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.config.EmulatorConfig;

/** Sessions in this process's memory, dropped after the configured idle timeout. */
@ApplicationScoped
public class InMemorySessionStore implements SessionStore {

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;

    @Inject
    public InMemorySessionStore(EmulatorConfig config) {
        this(config.session().idleTimeout(), Clock.systemUTC());
    }

    InMemorySessionStore(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    @Override
    public void add(Session session) {
        sessions.put(session.sessionId(), session);
    }

    @Override
    public Optional<Session> get(String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            sessions.remove(sessionId, session);
            return Optional.empty();
        }
        session.lastAccess().set(now);
        return Optional.of(session);
    }

    @Override
    public Optional<Session> remove(String sessionId) {
        return sessionId == null ? Optional.empty() : Optional.ofNullable(sessions.remove(sessionId));
    }

    @Override
    public int size() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
        return sessions.size();
    }

    private boolean expired(Session session, Instant now) {
        return !session.lastAccess().get().plus(idleTimeout).isAfter(now);
    }
}
