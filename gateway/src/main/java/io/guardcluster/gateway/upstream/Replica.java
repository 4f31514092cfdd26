package io.guardcluster.gateway.upstream;

import java.nio.charset.StandardCharsets;

import io.vertx.core.net.HostAndPort;

/**
 * One replica of a service. Health is a single flag that both the active prober and failed
 * connections (passive detection) write; reads are lock-free on every request.
 */
public final class Replica {

    private final String host;
    private final int port;
    private final String id;
    private final HostAndPort authority;
    /** Fixed per replica: its part of every rendezvous score. */
    private final long hashSeed;
    private volatile boolean healthy = true;
    private int failedChecks;

    public Replica(String host, int port) {
        this.host = host;
        this.port = port;
        this.id = host + ":" + port;
        this.authority = HostAndPort.create(host, port);
        this.hashSeed = Rendezvous.hash(id.getBytes(StandardCharsets.UTF_8));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** host:port, also the authority the gateway sends and signs the identity for. */
    public String id() {
        return id;
    }

    /** host:port as the authority of a request to this replica. */
    public HostAndPort authority() {
        return authority;
    }

    long hashSeed() {
        return hashSeed;
    }

    public boolean isHealthy() {
        return healthy;
    }

    /**
     * An active health check's result: healthy at once, unhealthy only after {@code threshold}
     * consecutive failures. Called from one event loop (the prober's timer).
     *
     * @return true if this changed the state
     */
    public boolean recordCheck(boolean passed, int threshold) {
        if (passed) {
            failedChecks = 0;
            return markHealthy(true);
        }
        failedChecks++;
        return failedChecks >= threshold && markHealthy(false);
    }

    /** @return true if this changed the state */
    public boolean markHealthy(boolean nowHealthy) {
        boolean changed = healthy != nowHealthy;
        healthy = nowHealthy;
        return changed;
    }

    @Override
    public String toString() {
        return id + (healthy ? "" : " (down)");
    }
}
