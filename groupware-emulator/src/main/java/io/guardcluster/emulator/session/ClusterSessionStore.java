package io.guardcluster.emulator.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * The sessions of the emulated cluster in this process's memory: one map standing in for the distributed session
 * storage, and per node the set of session ids it holds locally. Sessions go after the configured idle timeout
 * (measured cluster-wide: a use on any node keeps the session alive).
 */
@ApplicationScoped
public class ClusterSessionStore implements SessionStore {

    private static final Logger LOG = Logger.getLogger(ClusterSessionStore.class);

    private final Map<String, Session> distributed = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> local = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recreated = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;

    @Inject
    public ClusterSessionStore(EmulatorConfig config) {
        this(config.session().idleTimeout(), Clock.systemUTC());
        config.nodes().forEach(node -> {
            localSessions(node);
            recreatedCounter(node.trim());
        });
    }

    ClusterSessionStore(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    @Override
    public void add(String node, Session session) {
        distributed.put(session.sessionId(), session);
        localSessions(node).add(session.sessionId());
    }

    @Override
    public Optional<Session> get(String node, String sessionId) {
        Optional<Session> session = live(sessionId, true);
        if (session.isPresent() && localSessions(node).add(sessionId)) {
            recreatedCounter(node).incrementAndGet();
            LOG.infof("Node %s restored a session of node %s from the distributed session storage (no JSESSIONID route to it)",
                    node, session.get().route());
        }
        return session;
    }

    @Override
    public Optional<Session> peek(String sessionId) {
        return live(sessionId, false);
    }

    @Override
    public Optional<Session> remove(String sessionId) {
        if (sessionId == null) {
            return Optional.empty();
        }
        local.values().forEach(ids -> ids.remove(sessionId));
        return Optional.ofNullable(distributed.remove(sessionId));
    }

    @Override
    public int size() {
        expire();
        return distributed.size();
    }

    @Override
    public Map<String, NodeSessions> perNode() {
        expire();
        Map<String, NodeSessions> nodes = new LinkedHashMap<>();
        local.keySet().stream().sorted().forEach(node -> nodes.put(node,
                new NodeSessions(local.get(node).size(), recreatedCounter(node).get())));
        return nodes;
    }

    private Optional<Session> live(String sessionId, boolean touch) {
        if (sessionId == null) {
            return Optional.empty();
        }
        Session session = distributed.get(sessionId);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            remove(sessionId);
            return Optional.empty();
        }
        if (touch) {
            session.lastAccess().set(now);
        }
        return Optional.of(session);
    }

    private void expire() {
        Instant now = clock.instant();
        distributed.values().stream().filter(s -> expired(s, now)).map(Session::sessionId).toList().forEach(this::remove);
    }

    private Set<String> localSessions(String node) {
        return local.computeIfAbsent(node.trim(), n -> ConcurrentHashMap.newKeySet());
    }

    private AtomicLong recreatedCounter(String node) {
        return recreated.computeIfAbsent(node, n -> new AtomicLong());
    }

    private boolean expired(Session session, Instant now) {
        return !session.lastAccess().get().plus(idleTimeout).isAfter(now);
    }
}
