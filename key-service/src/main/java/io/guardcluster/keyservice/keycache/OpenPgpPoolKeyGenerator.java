package io.guardcluster.keyservice.keycache;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.keyservice.key.KeysConfig;
import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;

/**
 * The key cache's production generator: OpenPGP key material (primary + encryption subkey) in {@link KeyMaterial}'s
 * encoding, with the subkey already bound under the configured expiry (counted from the key's creation). Only the user
 * ID is certified when a user claims it: one signature on the request's path instead of two.
 */
@ApplicationScoped
public class OpenPgpPoolKeyGenerator implements PoolKeyGenerator {

    private final KeysConfig keys;

    public OpenPgpPoolKeyGenerator(KeysConfig keys) {
        this.keys = keys;
    }

    @Override
    public byte[] generate(String profile) {
        KeyMaterial material = KeyMaterial.generate(KeyProfile.parse(profile), Instant.now());
        return OpenPgpKeys.bindSubkey(material, keys.expiry().map(material.creationTime()::plus)).encode();
    }
}
