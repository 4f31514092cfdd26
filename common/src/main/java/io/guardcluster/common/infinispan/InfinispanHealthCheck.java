package io.guardcluster.common.infinispan;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import io.smallrye.health.api.HealthGroup;
import org.infinispan.client.hotrod.RemoteCacheManager;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * Whether the Infinispan server answers a real Hot Rod round trip now, in the health group
 * {@code dependencies} ({@code /q/health/group/dependencies}) for operators and alerts. The extension's
 * own check reports UP while no server is reachable (seen with client 16.0.9), so it is disabled and
 * replaced by this one in the services that use Infinispan ({@code guard.infinispan.enabled=true}
 * at build time).
 *
 * <p>Deliberately not a readiness check: losing Infinispan costs speed, never availability, so a
 * replica must keep taking traffic while Infinispan is down.
 */
@HealthGroup("dependencies")
@ApplicationScoped
@IfBuildProperty(name = "guard.infinispan.enabled", stringValue = "true")
public class InfinispanHealthCheck implements HealthCheck {

    private static final Duration ROUND_TRIP_LIMIT = Duration.ofSeconds(3);

    private final Instance<RemoteCacheManager> cacheManager;

    InfinispanHealthCheck(Instance<RemoteCacheManager> cacheManager) {
        this.cacheManager = cacheManager;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("infinispan");
        try {
            // getCacheNames() asks the server; bound it, the client's own retries can take longer.
            int caches = CompletableFuture.supplyAsync(() -> cacheManager.get().getCacheNames().size())
                    .get(ROUND_TRIP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return response.up().withData("caches", caches).build();
        } catch (TimeoutException e) {
            return response.down().withData("problem", "no answer within " + ROUND_TRIP_LIMIT.toSeconds() + " s").build();
        } catch (ExecutionException e) {
            return response.down().withData("problem", e.getCause().getClass().getSimpleName()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("problem", "interrupted").build();
        }
    }
}
