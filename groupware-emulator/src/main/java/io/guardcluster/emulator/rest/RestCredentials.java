package io.guardcluster.emulator.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * The REST basic-auth credentials ({@code guard.emulator.rest-api.*}). A normal-scoped bean, so the JAX-RS filter
 * (created at static init) reads the runtime configuration only when a request comes.
 */
@ApplicationScoped
public class RestCredentials {

    @Inject
    EmulatorConfig config;

    /** Whether {@code authorization} is {@code Basic base64(user:password)} with the configured credentials. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = equal(decoded.substring(0, colon), config.restApi().username());
        boolean password = equal(decoded.substring(colon + 1), config.restApi().password());
        return user & password;
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
