package io.guardcluster.keyservice.internal.external;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where {@code GET /api/keys/internal/recipients} looks for keys outside Guard, after Guard's users and the asking
 * user's keyring found none.
 */
@ConfigMapping(prefix = "guard.recipients")
public interface RecipientsConfig {

    /**
     * The longest one external source (each HKP server, WKD) may take for one lookup, DNS and both WKD methods
     * included. Sources are asked in parallel, so a lookup takes at most about this long; a source that has not
     * answered by then counts as "no key".
     */
    @WithDefault("3s")
    Duration timeout();

    /**
     * HKP key servers to ask, base URLs ({@code https://keys.openpgp.org}, {@code hkps://…}, {@code hkp://…:11371});
     * none by default. Asking one tells its operator which addresses Guard users write to; a server that does not
     * verify addresses (unlike keys.openpgp.org) may hold keys anyone uploaded for any address.
     */
    Optional<List<String>> hkpServers();

    /**
     * How long one replica remembers that nobody outside Guard has a key for an address, so that mail to people
     * without a key (guests) does not wait for WKD and the key servers on every send. Only answers are
     * remembered: a lookup where a source timed out or its breaker was open is asked again next time. A key
     * published meanwhile is found after at most this long. {@code 0s} turns it off.
     */
    @WithDefault("5m")
    Duration missCache();

    Wkd wkd();

    CircuitBreaker circuitBreaker();

    /** Web Key Directory: the recipient's own domain publishes the key. */
    interface Wkd {
        /**
         * Ask the recipient's domain (advanced method at {@code openpgpkey.<domain>}, then the direct one). On by
         * default: it is what GnuPG and Thunderbird do, and it tells only the domain that will receive the mail
         * anyway. Off where key-service may not make outbound HTTPS connections.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Tests: send every WKD request to this scheme, host and port (e.g. {@code http://127.0.0.1:8089}) instead
         * of {@code https://openpgpkey.<domain>} and {@code https://<domain>}; the paths stay the same.
         */
        Optional<String> baseUrlOverride();

        /**
         * Whether WKD may connect to a domain that resolves to a loopback, private or link-local address. Off: a
         * user could otherwise make key-service probe the internal network by asking for {@code x@intranet-host}.
         */
        @WithDefault("false")
        boolean allowPrivateAddresses();
    }

    /**
     * One circuit breaker per HKP server and one per WKD domain (the most recently used 1024 domains): a source that
     * keeps timing out is skipped for a while, and one slow domain does not take WKD away from the others.
     */
    interface CircuitBreaker {
        /** Lookups in the rolling window. */
        @WithDefault("20")
        int requestVolume();

        /** Share of failed lookups in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker skips the source before trying it again. */
        @WithDefault("30s")
        Duration delay();
    }
}
