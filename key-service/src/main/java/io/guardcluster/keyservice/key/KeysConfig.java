package io.guardcluster.keyservice.key;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Users' keys: what gets generated, what may be uploaded and deleted. */
@ConfigMapping(prefix = "guard.keys")
public interface KeysConfig {

    /**
     * Profile of generated keys unless a request names one: {@code ed25519} (v4 EdDSA + Cv25519, what
     * GnuPG 2.2, Sequoia and OpenPGP.js all accept), or {@code rsa2048}, {@code rsa3072}, {@code rsa4096}.
     */
    @WithDefault("ed25519")
    String profile();

    /**
     * Validity of generated keys, counted from the key's creation (a key from the key cache was created when the pool
     * generated it); absent means they do not expire.
     */
    Optional<Duration> expiry();

    /** OX Guard's "nodeleteprivate": users may not delete their own private keys. */
    @WithDefault("false")
    boolean noDeletePrivate();

    /** Largest key upload (armored or binary); also the largest key an external source (HKP, WKD) may answer with. */
    @WithDefault("1M")
    MemorySize uploadLimit();

    /**
     * Largest data {@code POST /api/keys/internal/sign} signs (413 beyond). The data is streamed through the hash,
     * never held in memory. {@code quarkus.http.limits.max-body-size} must be at least this: application.properties
     * sets it from this property, and {@code http.BodyLimits} holds every other endpoint to {@link #bodyLimit()}.
     */
    @WithDefault("64M")
    MemorySize signLimit();

    /** Largest request body of every endpoint but signing (they read their bodies into memory). */
    @WithDefault("10M")
    MemorySize bodyLimit();
}
