package io.guardcluster.emulator.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.guardcluster.emulator.admin.EmulatorStats;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;

/**
 * The cookie-routing front of the emulated middleware cluster: before any resource sees a request, picks the node
 * that serves it ({@link ClusterNodes#choose}) and names it in {@value ClusterNodes#NODE_HEADER} on the request and
 * the response. All nodes live in this one process; what makes them nodes is that each keeps its own sessions (see
 * {@link io.guardcluster.emulator.session.ClusterSessionStore}), which is what a caller of a real cluster can observe.
 * It also notes the trace id of every call that carries a W3C {@code traceparent} ({@link EmulatorStats#traced}).
 */
@ApplicationScoped
public class ClusterFront {

    /** Before the application's own routes and filters. */
    private static final int PRIORITY = 1000;

    void register(@Observes Filters filters, ClusterNodes nodes, EmulatorStats stats) {
        filters.register(rc -> {
            stats.traced(rc.request().getHeader("traceparent"));
            String node = nodes.choose(rc.request().getHeader(ClusterNodes.NODE_HEADER),
                    rc.request().headers().getAll(HttpHeaders.COOKIE));
            rc.request().headers().set(ClusterNodes.NODE_HEADER, node);
            rc.response().putHeader(ClusterNodes.NODE_HEADER, node);
            rc.next();
        }, PRIORITY);
    }
}
