package io.guardcluster.keyservice.keycache;

/**
 * Makes the key material the key cache pools: unbound (no user ID yet), unprotected, encoded. The key
 * cache seals what this returns before it leaves the process and never looks inside.
 */
public interface PoolKeyGenerator {

    /** Generates one key of {@code profile} (e.g. {@code rsa3072}); slow for RSA, so never on a request thread. */
    byte[] generate(String profile);
}
