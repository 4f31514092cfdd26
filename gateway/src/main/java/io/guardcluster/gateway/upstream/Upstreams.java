package io.guardcluster.gateway.upstream;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.guardcluster.gateway.config.GatewayConfig;
import io.guardcluster.gateway.routing.RouteTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The replicas of every upstream service, where they come from, and whether they are healthy.
 *
 * <ul>
 * <li>Discovery: a static list from configuration (local stack), or the A records of a Kubernetes
 * headless Service resolved every few seconds. No home-made registry.</li>
 * <li>Active health: every replica's readiness endpoint, polled on an interval.</li>
 * <li>Passive health: the proxy reports replicas it could not reach ({@link #reportUnreachable}),
 * which takes them out at once; the next successful probe puts them back.</li>
 * </ul>
 */
@ApplicationScoped
public class Upstreams {

    private static final Logger LOG = Logger.getLogger(Upstreams.class);

    private final GatewayConfig config;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final Map<String, ReplicaSet> sets = new LinkedHashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private HttpClient probeClient;

    Upstreams(GatewayConfig config, Vertx vertx, MeterRegistry meters) {
        this.config = config;
        this.vertx = vertx;
        this.meters = meters;
        for (String service : List.of(RouteTable.KEY_SERVICE, RouteTable.MAIL_SERVICE, RouteTable.FILESTORE_SERVICE)) {
            ReplicaSet set = new ReplicaSet(service);
            sets.put(service, set);
            Gauge.builder("guard.gateway.replicas.healthy", set, ReplicaSet::healthyCount).tag("service", service)
                    .description("Replicas of the service that currently pass health checks").register(meters);
        }
    }

    void onStart(@Observes StartupEvent event) {
        // Pods come and go: do not let the JVM cache DNS answers longer than our refresh interval.
        Security.setProperty("networkaddress.cache.ttl", "1");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
        probeClient = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.healthCheck().timeout().toMillis())
                .setKeepAlive(true).setMaxPoolSize(4));
        sets.forEach((service, set) -> {
            GatewayConfig.Upstream upstream = config.services().get(service);
            boolean hasUrls = upstream != null && upstream.urls().filter(urls -> urls.stream().anyMatch(u -> !u.isBlank())).isPresent();
            if (upstream == null || (!hasUrls && upstream.dns().isEmpty())) {
                LOG.warnf("no replicas configured for %s (guard.gateway.services.%s.urls or .dns): its routes answer 503",
                        service, service);
                return;
            }
            if (hasUrls) {
                set.update(upstream.urls().get().stream().filter(u -> !u.isBlank()).map(Upstreams::fromUrl).toList());
                LOG.infof("%s replicas: %s", service, set.replicas());
            } else {
                String dns = upstream.dns().get();
                resolve(set, dns);
                timers.add(vertx.setPeriodic(upstream.dnsRefresh().toMillis(), id -> resolve(set, dns)));
            }
        });
        timers.add(vertx.setPeriodic(config.healthCheck().interval().toMillis(), id -> probeAll()));
        probeAll();
    }

    void onStop(@Observes ShutdownEvent event) {
        timers.forEach(vertx::cancelTimer);
        if (probeClient != null) {
            probeClient.close();
        }
    }

    public Optional<ReplicaSet> of(String service) {
        return Optional.ofNullable(sets.get(service));
    }

    /** The replicas of {@code service}, or null if it is not one of ours (per request: no Optional). */
    public ReplicaSet set(String service) {
        return sets.get(service);
    }

    public Map<String, ReplicaSet> all() {
        return sets;
    }

    /** Passive detection: the proxy could not connect to {@code replica}. */
    public void reportUnreachable(ReplicaSet set, Replica replica, Throwable cause) {
        if (replica.markHealthy(false)) {
            LOG.warnf("%s replica %s is down (%s); its sessions move to the others", set.service(), replica.id(),
                    cause.getClass().getSimpleName());
        }
    }

    private void probeAll() {
        sets.values().forEach(set -> set.replicas().forEach(replica -> probe(set, replica)));
    }

    private void probe(ReplicaSet set, Replica replica) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(replica.host()).setPort(replica.port())
                .setURI(config.healthCheck().path()).setTimeout(config.healthCheck().timeout().toMillis());
        probeClient.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> {
                    boolean healthy = result.succeeded() && result.result() == 200;
                    if (replica.recordCheck(healthy, config.healthCheck().failuresBeforeDown())) {
                        if (healthy) {
                            LOG.infof("%s replica %s is healthy again", set.service(), replica.id());
                        } else {
                            LOG.warnf("%s replica %s failed its health check (%s)", set.service(), replica.id(),
                                    result.succeeded() ? "HTTP " + result.result() : result.cause().getClass().getSimpleName());
                        }
                    }
                });
    }

    /** Blocking DNS, so on a worker thread; keeps the old list if the name does not resolve right now. */
    private void resolve(ReplicaSet set, String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        String host = hostAndPort.substring(0, colon);
        int port = Integer.parseInt(hostAndPort.substring(colon + 1));
        vertx.executeBlocking(() -> Arrays.stream(InetAddress.getAllByName(host))
                .map(address -> new Replica(address.getHostAddress(), port)).sorted((a, b) -> a.id().compareTo(b.id())).toList(),
                false).onComplete(result -> {
                    if (result.succeeded()) {
                        List<String> before = set.replicas().stream().map(Replica::id).toList();
                        set.update(result.result());
                        if (!before.equals(set.replicas().stream().map(Replica::id).toList())) {
                            LOG.infof("%s replicas (DNS %s): %s", set.service(), host, set.replicas());
                        }
                    } else if (!(result.cause() instanceof UnknownHostException)) {
                        LOG.warnf("resolving %s for %s failed: %s", host, set.service(), result.cause().toString());
                    }
                });
    }

    static Replica fromUrl(String url) {
        URI uri = URI.create(url.strip());
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return new Replica(uri.getHost(), port);
    }
}
