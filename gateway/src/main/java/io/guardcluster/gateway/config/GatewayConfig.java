package io.guardcluster.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The gateway: where the services' replicas are, how they are checked, and the limits it enforces. */
@ConfigMapping(prefix = "guard.gateway")
public interface GatewayConfig {

    /** Upstream services by name: {@code key-service}, {@code mail-service}, {@code filestore-service}. */
    Map<String, Upstream> services();

    HealthCheck healthCheck();

    /**
     * How long a forwarded internal identity stays valid (services refuse anything over 2 minutes).
     * Short: it only has to survive one hop, and each replica remembers every nonce for this long.
     */
    @WithDefault("10s")
    Duration identityLifetime();

    /** Largest request body accepted (files are streamed, so this bounds disk use, not memory). */
    @WithDefault("2G")
    io.quarkus.runtime.configuration.MemorySize maxRequestSize();

    /** How long to wait for an upstream's response headers before answering 504. */
    @WithDefault("60s")
    Duration upstreamTimeout();

    /**
     * Whether to believe an incoming {@code X-Forwarded-For} and {@code X-Forwarded-Host} (only behind a
     * trusted ingress). When false the gateway replaces them with the peer address and the request's
     * own {@code Host}, and rate limits use the peer address.
     */
    @WithDefault("false")
    boolean trustForwardedFor();

    Backend backend();

    RateLimits rateLimit();

    interface Upstream {
        /** Static replica list, e.g. {@code http://127.0.0.1:8081,http://127.0.0.1:8181} (local stack). */
        Optional<List<String>> urls();

        /**
         * {@code host:port} of a Kubernetes headless Service: every A record is a replica (pods come
         * and go, DNS follows). Used when {@code urls} is not set.
         */
        Optional<String> dns();

        /** How often the DNS name is resolved again. */
        @WithDefault("5s")
        Duration dnsRefresh();
    }

    interface HealthCheck {
        /** Active check of every replica: interval between two checks. */
        @WithDefault("1s")
        Duration interval();

        /** A check that takes longer than this counts as failed. */
        @WithDefault("800ms")
        Duration timeout();

        @WithDefault("/q/health/ready")
        String path();

        /**
         * Consecutive failed checks before a replica is taken out (one slow check under load must not
         * move all its sessions). A refused connection on a real request takes it out at once.
         */
        @WithDefault("2")
        int failuresBeforeDown();
    }

    /** The groupware backend (OX App Suite middleware) that owns the users' sessions. */
    interface Backend {
        /** Base URL of its HTTP API, e.g. {@code http://appsuite.example.com/appsuite/api}. */
        @WithDefault("http://127.0.0.1:8009/appsuite/api")
        String url();

        /** How long a validated session is trusted before the backend is asked again (all gateway replicas share it). */
        @WithDefault("60s")
        Duration sessionCacheTtl();

        /**
         * How long a replica trusts a validated session from its own memory before asking Infinispan
         * again (at most {@code session-cache-ttl}).
         */
        @WithDefault("5s")
        Duration nearCacheTtl();

        /** Timeout of one session validation call. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface RateLimits {
        /** Password unlocks per user per minute (brute force on Guard passwords). */
        @WithName("unlock.per-user")
        @WithDefault("10")
        int unlockPerUser();

        /** Password unlocks per client address per minute. */
        @WithName("unlock.per-address")
        @WithDefault("30")
        int unlockPerAddress();

        /** Public directory lookups (HKP, WKD) per client address per minute (address harvesting). */
        @WithName("directory.per-address")
        @WithDefault("120")
        int directoryPerAddress();
    }
}
