package io.guardcluster.keyservice.key;

import java.time.Instant;
import java.util.List;

/** A key as the API shows it: metadata only, never key material. */
public record KeyView(String fingerprint, String keyId, int version, String algorithm, List<String> userIds,
        Instant created, Instant expires, Instant revoked, String revocationReason, boolean current, boolean hasPrivateKey,
        boolean canEncrypt, boolean canSign) {
}
