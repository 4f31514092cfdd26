package io.guardcluster.mailservice.backend;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How mail-service reaches the groupware backend (OX App Suite middleware): its HTTP API, called as the user with the
 * user's own session, and its REST API, called as Guard with the REST credentials (OX Guard's
 * {@code com.openexchange.guard.restAPIHostname}, {@code restApiUsername}, {@code restApiPassword}).
 */
@ConfigMapping(prefix = "guard.backend")
public interface BackendConfig {

    /** The HTTP API's base URL, through the backend's load balancer (which routes on the user's JSESSIONID). */
    @WithDefault("http://127.0.0.1:8009/appsuite/api")
    String url();

    Rest rest();

    /** How long a connect may take. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long the backend may stay silent during a call (no answer, or no bytes of it) before the call fails. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** The largest message source this service fetches; a larger one fails with 413 before it is all read. */
    @WithDefault("64M")
    MemorySize maxMessageSize();

    /** The backend's REST API (user lookups), authenticated with HTTP basic auth. */
    interface Rest {
        /** Base URL of the REST services (OX: the middleware's {@code /preliminary/...} servlets). */
        @WithDefault("http://127.0.0.1:8009")
        String url();

        /** OX {@code com.openexchange.rest.services.basic-auth.login} (OX Guard: {@code restApiUsername}). */
        Optional<String> username();

        /** OX {@code com.openexchange.rest.services.basic-auth.password} (OX Guard: {@code restApiPassword}). */
        Optional<String> password();
    }
}
