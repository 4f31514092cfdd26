package io.guardcluster.keyservice.internal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.internal.external.ExternalKeys;
import io.guardcluster.keyservice.key.KeyringKey;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.smallrye.mutiny.Uni;

/**
 * Finds the public keys to encrypt to for an address: Guard's own users (and guests) first (their current key),
 * then the asking user's keyring, then the configured external sources (WKD, HKP servers; see
 * {@link ExternalKeys}), each only when the one before has no usable key. Revoked and expired keys are never
 * offered for encryption. Keys from external sources are not stored.
 */
@ApplicationScoped
public class RecipientService {

    /** Where a recipient's key came from. */
    public enum Source {
        /** A Guard user's or guest's current key. */
        GUARD,
        /** The asking user's keyring. */
        KEYRING,
        /** A configured HKP key server. */
        HKP,
        /** The recipient domain's Web Key Directory. */
        WKD
    }

    public record RecipientKey(String fingerprint, Source source, String armored) {
    }

    public record Recipient(String email, List<RecipientKey> keys) {
    }

    private final KeyRepository keys;
    private final ExternalKeys external;

    RecipientService(KeyRepository keys, ExternalKeys external) {
        this.keys = keys;
        this.external = external;
    }

    public Uni<Recipient> find(InternalIdentity identity, String address) {
        String email = normalize(address);
        return keys.currentByEmail(email).chain(own -> {
            if (own.isPresent() && own.get().revoked().isEmpty()
                    && own.get().expires().filter(e -> !e.isAfter(Instant.now())).isEmpty()) {
                return Uni.createFrom().item(new Recipient(email, List.of(new RecipientKey(own.get().fingerprint(),
                        Source.GUARD, OpenPgpKeys.armor(OpenPgpKeys.readPublic(own.get().publicKey()))))));
            }
            return keys.keyringByEmail(identity.contextId(), identity.userId(), email)
                    .map(found -> found.stream().filter(RecipientService::usable)
                            .map(k -> new RecipientKey(k.fingerprint(), Source.KEYRING,
                                    OpenPgpKeys.armor(OpenPgpKeys.readPublic(k.publicKey()))))
                            .toList())
                    .chain(keyring -> !keyring.isEmpty() || !external.enabled() ? Uni.createFrom().item(keyring)
                            : external.find(email))
                    .map(found -> new Recipient(email, found));
        });
    }

    private static boolean usable(KeyringKey key) {
        return key.revoked().isEmpty() && key.expires().filter(e -> !e.isAfter(Instant.now())).isEmpty();
    }

    private static String normalize(String address) {
        String email = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
        if (email.startsWith("<") && email.endsWith(">")) {
            email = email.substring(1, email.length() - 1);
        }
        if (email.length() > 320 || !email.matches("[^@\\s<>]+@[^@\\s<>]+")) {
            throw GuardProblemException.badRequest("invalid-email", "\"email\" must be one e-mail address");
        }
        return email;
    }
}
