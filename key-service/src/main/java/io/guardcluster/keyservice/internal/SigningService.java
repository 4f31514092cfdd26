package io.guardcluster.keyservice.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.guardcluster.keyservice.account.KeyProtectionSecret;
import io.guardcluster.keyservice.crypto.CryptoWorkers;
import io.guardcluster.keyservice.key.KeysConfig;
import io.guardcluster.keyservice.key.UserKey;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.pgp.DetachedSigner;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.pgp.WrongPassphraseException;
import io.guardcluster.keyservice.unlock.Unlock;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Detached signatures with the user's current key over data another service streams in (a mail's signed part, a
 * file). Three steps on the threads they belong on:
 * <ol>
 * <li>unlock (Argon2 of the password, S2K of the key) on {@link CryptoWorkers};</li>
 * <li>read the data and hash it on a worker thread: it is blocking I/O at the speed of the upload, and must not
 * hold one of the few crypto threads while a slow client sends;</li>
 * <li>the private-key operation on {@link CryptoWorkers} again.</li>
 * </ol>
 * The data is hashed as it arrives, never held in memory, and refused (413) beyond {@code guard.keys.sign-limit}.
 *
 * <p>A signature over a digest computed elsewhere is not offered: an OpenPGP signature hashes the data, then the
 * signature's own trailer (type, creation time, subpackets) in the same hash context (RFC 9580 5.2.4), so the
 * signer needs the running hash state, not the finished digest. Callers stream the data instead.
 */
@ApplicationScoped
public class SigningService {

    private static final int BUFFER = 64 * 1024;

    private final AccountService accounts;
    private final KeyRepository keys;
    private final CryptoWorkers crypto;
    private final MeterRegistry meters;
    private final long limit;

    SigningService(AccountService accounts, KeyRepository keys, CryptoWorkers crypto, KeysConfig config, MeterRegistry meters) {
        this.accounts = accounts;
        this.keys = keys;
        this.crypto = crypto;
        this.meters = meters;
        this.limit = config.signLimit().asLongValue();
    }

    /** A signature and the fingerprint of the key that made it. */
    public record Signed(String fingerprint, byte[] signature) {
    }

    /**
     * Signs {@code data} (read to its end, not closed) with the user's current key.
     *
     * @param text    a canonical-text signature (line endings hashed as CR LF) instead of a binary one
     * @param armored ASCII armor instead of the binary signature packet
     */
    public Uni<Signed> sign(InternalIdentity identity, InputStream data, Unlock unlock, boolean text, boolean armored) {
        if (unlock == null || (!unlock.hasPassword() && !unlock.hasToken())) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("unlock-required",
                    "signing needs your private key: send the Guard password in X-Guard-Password or an unlock token in "
                            + "X-Guard-Unlock-Token"));
        }
        Body body = new Body(data);
        return accounts.require(identity)
                .chain(user -> keys.current(identity.contextId(), identity.userId()).map(current -> usable(current.orElse(null)))
                        .chain(key -> accounts.unlock(user, unlock, false)
                                .chain(secret -> crypto.run(() -> open(key, secret, text)))
                                .chain(session -> Uni.createFrom().item(() -> hash(body, session))
                                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                                .chain(session -> crypto.run(() -> session.finish(armored)))
                                .map(signature -> new Signed(key.fingerprint(), signature))))
                .invoke(() -> meters.counter("guard.signatures", "result", "ok").increment())
                // Refused before the data was read (no key, wrong password...): read the rest of it, so the
                // connection is left at the next request rather than in the middle of this one's body.
                .onFailure().call(() -> Uni.createFrom().item(() -> body.drain(limit))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    private static UserKey usable(UserKey key) {
        if (key == null) {
            throw GuardProblemException.conflict("no-current-key",
                    "you have no current key to sign with: create or import one, or make one current");
        }
        if (key.revoked().isPresent()) {
            throw GuardProblemException.conflict("key-revoked", "your current key " + key.fingerprint() + " is revoked");
        }
        if (key.expires().filter(e -> !e.isAfter(Instant.now())).isPresent()) {
            throw GuardProblemException.conflict("key-expired", "your current key " + key.fingerprint() + " has expired");
        }
        return key;
    }

    private static DetachedSigner.Session open(UserKey key, KeyProtectionSecret secret, boolean text) {
        try (secret) {
            char[] passphrase = secret.storagePassphrase();
            try {
                return DetachedSigner.open(OpenPgpKeys.readSecret(key.secretKey()), passphrase, text);
            } catch (WrongPassphraseException e) {
                throw new IllegalStateException("stored key " + key.fingerprint() + " does not open with its secret");
            } catch (IllegalArgumentException e) {
                throw GuardProblemException.conflict("key-cannot-sign",
                        "your current key " + key.fingerprint() + " has no valid signing key");
            } finally {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    private DetachedSigner.Session hash(Body data, DetachedSigner.Session session) {
        byte[] buffer = new byte[BUFFER];
        try {
            int read;
            while ((read = data.read(buffer)) >= 0) {
                if (data.total > limit) {
                    meters.counter("guard.signatures", "result", "too-large").increment();
                    throw new GuardProblemException(413, "too-large", "Payload too large",
                            "the data to sign is larger than the limit of " + limit + " bytes");
                }
                session.update(buffer, 0, read);
            }
        } catch (IOException e) {
            // Quarkus' body stream also fails like this when it refused the body itself (413 already sent).
            throw GuardProblemException.badRequest("unreadable-body", "the data to sign could not be read to its end");
        }
        return session;
    }

    /** The request body, counting what was read and noting its end. Read by one thread at a time. */
    private static final class Body {

        private final InputStream in;
        private long total;
        private boolean ended;

        Body(InputStream in) {
            this.in = in;
        }

        int read(byte[] buffer) throws IOException {
            int read = in.read(buffer);
            if (read < 0) {
                ended = true;
            } else {
                total += read;
            }
            return read;
        }

        /** Reads and drops what is left, up to {@code limit} bytes in all; never fails. */
        boolean drain(long limit) {
            byte[] buffer = new byte[BUFFER];
            try {
                while (!ended && total <= limit) {
                    read(buffer);
                }
            } catch (IOException | RuntimeException e) {
                // the connection is gone or Quarkus refused the body: nothing left to keep in step
            }
            return ended;
        }
    }
}
