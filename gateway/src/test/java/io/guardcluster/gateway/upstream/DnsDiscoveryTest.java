package io.guardcluster.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Replicas from DNS, as with a Kubernetes headless Service: every address the name resolves to is a
 * replica, re-resolved on an interval. {@code localhost} stands in for the Service name here.
 */
@QuarkusTest
@TestProfile(DnsDiscoveryTest.DnsProfile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "infinispan", value = "true"))
class DnsDiscoveryTest {

    public static class DnsProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.gateway.services.mail-service.urls", "",
                    "guard.gateway.services.mail-service.dns", "localhost:18082",
                    "guard.gateway.services.mail-service.dns-refresh", "200ms");
        }
    }

    @Inject
    Upstreams upstreams;

    @Test
    void everyAddressOfTheNameIsAReplica() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                upstreams.of("mail-service").orElseThrow().replicas()).extracting(Replica::id).contains("127.0.0.1:18082"));
        assertThat(upstreams.of("key-service").orElseThrow().replicas()).as("other services keep their static lists")
                .extracting(Replica::id).containsExactly("127.0.0.1:8081");
    }
}
