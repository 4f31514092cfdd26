package io.guardcluster.keyservice.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.internal.external.ExternalKeys;
import io.guardcluster.keyservice.key.KeyringKey;
import io.guardcluster.keyservice.key.UserKey;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.smallrye.mutiny.Uni;

/**
 * Finds the public keys to encrypt to for an address: Guard's own users (and guests) first (their current key),
 * then the asking user's keyring, then the configured external sources (WKD, HKP servers; see
 * {@link ExternalKeys}), each only when the one before has no usable key. Revoked and expired keys are never
 * offered for encryption; the ones found on the way are listed apart ({@link Recipient#unusable()}), so a caller can
 * refuse such a recipient with a clear reason instead of taking it for one without any key, and can still check old
 * signatures with them. A Guard user's older keys (before their current one) are listed there too, as
 * "superseded": never to encrypt to, but a mail signed a year ago with the key of then still verifies.
 * Keys from external sources are not stored.
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

    /**
     * A key found for the address that must not be encrypted to; {@code reason}: "revoked", "expired" or (a Guard
     * user's key older than their current or newest one) "superseded".
     */
    public record UnusableKey(String fingerprint, Source source, String reason, String armored) {
    }

    /**
     * {@code keys}: to encrypt to; {@code unusable}: keys found on the way that must not be encrypted to (the
     * most relevant first: a Guard user's current or newest key when it is revoked or expired).
     */
    public record Recipient(String email, List<RecipientKey> keys, List<UnusableKey> unusable) {
    }

    private final KeyRepository keys;
    private final ExternalKeys external;

    RecipientService(KeyRepository keys, ExternalKeys external) {
        this.keys = keys;
        this.external = external;
    }

    public Uni<Recipient> find(InternalIdentity identity, String address) {
        String email = normalize(address);
        return keys.allByEmail(email).chain(own -> {
            List<UnusableKey> unusable = new ArrayList<>();
            Optional<RecipientKey> current = Optional.empty();
            for (UserKey key : own) {
                String armored = OpenPgpKeys.armor(OpenPgpKeys.readPublic(key.publicKey()));
                Optional<String> reason = unusableReason(key.revoked(), key.expires());
                if (key == own.get(0) && reason.isEmpty()) {
                    current = Optional.of(new RecipientKey(key.fingerprint(), Source.GUARD, armored));
                } else {
                    unusable.add(new UnusableKey(key.fingerprint(), Source.GUARD,
                            reason.orElse("superseded"), armored));
                }
            }
            if (current.isPresent()) {
                return Uni.createFrom().item(new Recipient(email, List.of(current.get()), List.copyOf(unusable)));
            }
            return keys.keyringByEmail(identity.contextId(), identity.userId(), email)
                    .map(found -> {
                        List<RecipientKey> usable = new ArrayList<>();
                        for (KeyringKey key : found) {
                            String armored = OpenPgpKeys.armor(OpenPgpKeys.readPublic(key.publicKey()));
                            unusableReason(key.revoked(), key.expires()).ifPresentOrElse(
                                    reason -> unusable.add(new UnusableKey(key.fingerprint(), Source.KEYRING, reason, armored)),
                                    () -> usable.add(new RecipientKey(key.fingerprint(), Source.KEYRING, armored)));
                        }
                        return usable;
                    })
                    .chain(keyring -> !keyring.isEmpty() || !external.enabled() ? Uni.createFrom().item(keyring)
                            : external.find(email))
                    .map(found -> new Recipient(email, found, List.copyOf(unusable)));
        });
    }

    /** "revoked", "expired", or empty for a key that may be encrypted to now. */
    private static Optional<String> unusableReason(Optional<Instant> revoked, Optional<Instant> expires) {
        if (revoked.isPresent()) {
            return Optional.of("revoked");
        }
        return expires.filter(e -> !e.isAfter(Instant.now())).map(e -> "expired");
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
