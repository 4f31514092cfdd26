package io.guardcluster.keyservice.keycache;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyProfile;

/**
 * The key cache's production generator: unbound OpenPGP key material (primary + encryption subkey,
 * no user ID yet) in {@link KeyMaterial}'s encoding. The user ID is certified when a user claims it.
 */
@ApplicationScoped
public class OpenPgpPoolKeyGenerator implements PoolKeyGenerator {

    @Override
    public byte[] generate(String profile) {
        return KeyMaterial.generate(KeyProfile.parse(profile), Instant.now()).encode();
    }
}
