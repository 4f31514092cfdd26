package io.guardcluster.keyservice.keycache;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;

/**
 * Stands in for the production {@link PoolKeyGenerator} in key-service's other tests until it is
 * merged ({@code @DefaultBean}: the production bean replaces it as soon as it exists; delete this
 * class then). Random bytes, never a real key.
 */
@DefaultBean
@ApplicationScoped
public class PlaceholderPoolKeyGenerator implements PoolKeyGenerator {

    private final SecureRandom random = new SecureRandom();

    @Override
    public byte[] generate(String profile) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }
}
