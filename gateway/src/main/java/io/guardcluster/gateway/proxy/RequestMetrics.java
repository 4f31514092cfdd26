package io.guardcluster.gateway.proxy;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.guardcluster.gateway.routing.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code guard.gateway.requests{route, service, status}}: every request the gateway answers, from its
 * arrival to the end of the response, by route prefix, upstream service and status class
 * ({@code 1xx}…{@code 5xx}, or {@code aborted} when the response could not be completed: client gone,
 * upstream failed mid-body). Requests outside every route (404, closed internal APIs) count as
 * {@code route="none", service="none"}; the gateway's own {@code /q/*} endpoints are not counted.
 *
 * <p>This replaces Quarkus' HTTP server binder ({@code http.server.requests}), which matched every
 * proxied path against regular expressions and looked its timer up by tags on every request. Here a
 * request costs an identity-map lookup, an array slot and one {@link Timer#record}.
 */
final class RequestMetrics {

    static final String NAME = "guard.gateway.requests";
    private static final String[] STATUS = { "1xx", "2xx", "3xx", "4xx", "5xx" };

    private final Map<Route, PerRoute> byRoute = new IdentityHashMap<>();
    private final PerRoute unrouted;

    RequestMetrics(MeterRegistry registry, List<Route> routes) {
        for (Route route : routes) {
            if (!route.isClosed()) {
                byRoute.put(route, new PerRoute(registry, route.prefix(), route.service()));
            }
        }
        unrouted = new PerRoute(registry, "none", "none");
    }

    /** The meters of {@code route}; of "none" for null. */
    PerRoute of(Route route) {
        PerRoute meters = route == null ? null : byRoute.get(route);
        return meters == null ? unrouted : meters;
    }

    /**
     * One route's timers, one per status class. Each is registered the first time it is needed (so
     * /q/metrics lists what happened, not every combination) and then kept in its slot: a racing
     * first registration on two event loops gets the same timer from the registry either way.
     */
    static final class PerRoute {
        private static final int ABORTED = STATUS.length;
        private final MeterRegistry registry;
        private final String route;
        private final String service;
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(STATUS.length + 1);

        private PerRoute(MeterRegistry registry, String route, String service) {
            this.registry = registry;
            this.route = route;
            this.service = service;
        }

        void completed(int status, long startNanos) {
            int index = status / 100 - 1;
            record(index >= 0 && index < STATUS.length ? index : ABORTED, startNanos);
        }

        void aborted(long startNanos) {
            record(ABORTED, startNanos);
        }

        private void record(int index, long startNanos) {
            long nanos = System.nanoTime() - startNanos;
            Timer timer = timers.get(index);
            if (timer == null) {
                timer = Timer.builder(NAME).description("Requests through the gateway, arrival to end of response")
                        .tags("route", route, "service", service, "status", index == ABORTED ? "aborted" : STATUS[index])
                        .register(registry);
                timers.set(index, timer);
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
