package io.guardcluster.keyservice.internal;

import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.guardcluster.keyservice.account.KeyProtectionSecret;
import io.guardcluster.keyservice.crypto.CryptoWorkers;
import io.guardcluster.keyservice.key.UserKey;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.pgp.PgpException;
import io.guardcluster.keyservice.pgp.SessionKey;
import io.guardcluster.keyservice.pgp.SessionKeyDecryptor;
import io.guardcluster.keyservice.pgp.WrongPassphraseException;
import io.guardcluster.keyservice.unlock.Unlock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Decrypts the session key of a message for another service: the encrypted session-key packets come
 * in, the session key goes out, the private key never leaves. Every failure to decrypt (no key of the
 * user's, wrong padding, tampered packet) gets the same answer, so the endpoint is no oracle.
 */
@ApplicationScoped
public class SessionKeyService {

    public record Decrypted(String fingerprint, int symmetricAlgorithm, byte[] sessionKey) {
        @Override
        public String toString() {
            return "Decrypted[" + fingerprint + ", key=redacted]";
        }
    }

    private static final String WILDCARD = "0000000000000000";
    private static final String CANNOT_DECRYPT = "none of your keys can decrypt this message";

    private final AccountService accounts;
    private final KeyRepository keys;
    private final CryptoWorkers crypto;
    private final MeterRegistry meters;

    SessionKeyService(AccountService accounts, KeyRepository keys, CryptoWorkers crypto, MeterRegistry meters) {
        this.accounts = accounts;
        this.keys = keys;
        this.crypto = crypto;
        this.meters = meters;
    }

    public Uni<Decrypted> decrypt(InternalIdentity identity, byte[] packets, Unlock unlock) {
        return crypto.run(() -> {
            try {
                return SessionKeyDecryptor.recipientKeyIds(packets);
            } catch (PgpException e) {
                throw GuardProblemException.badRequest("invalid-session-key-packets",
                        "\"encryptedSessionKeys\" is not a sequence of OpenPGP encrypted session-key packets");
            }
        }).chain(keyIds -> keyIds.contains(WILDCARD)
                // An anonymous recipient (wildcard key id): any of the user's keys may be the one.
                ? keys.list(identity.contextId(), identity.userId())
                : keys.findByKeyIds(identity.contextId(), identity.userId(), keyIds))
                .chain(candidates -> {
                    if (candidates.isEmpty()) {
                        meters.counter("guard.session_keys", "result", "no-key").increment();
                        return Uni.createFrom().failure(cannotDecrypt());
                    }
                    return accounts.require(identity).chain(user -> accounts.unlock(user, unlock, false))
                            .chain(secret -> crypto.run(() -> decryptWith(candidates, packets, secret)));
                });
    }

    private Decrypted decryptWith(List<UserKey> candidates, byte[] packets, KeyProtectionSecret secret) {
        // The private-key operation's latency (Prometheus: guard_session_keys_decrypt_seconds), opening the stored
        // key included: the part of a read that only key-service can do.
        Timer.Sample sample = Timer.start(meters);
        try {
            return decryptWithKeys(candidates, packets, secret);
        } finally {
            sample.stop(meters.timer("guard.session_keys.decrypt"));
        }
    }

    private Decrypted decryptWithKeys(List<UserKey> candidates, byte[] packets, KeyProtectionSecret secret) {
        try (secret) {
            char[] passphrase = secret.storagePassphrase();
            try {
                for (UserKey key : candidates) {
                    try {
                        SessionKey sessionKey = SessionKeyDecryptor.decrypt(packets, OpenPgpKeys.readSecret(key.secretKey()),
                                passphrase);
                        meters.counter("guard.session_keys", "result", "ok").increment();
                        return new Decrypted(key.fingerprint(), sessionKey.symmetricAlgorithm(), sessionKey.key());
                    } catch (WrongPassphraseException e) {
                        throw new IllegalStateException("stored key " + key.fingerprint() + " does not open with its secret");
                    } catch (PgpException e) {
                        // try the next candidate; the answer is the same whatever went wrong
                    }
                }
            } finally {
                Arrays.fill(passphrase, '\0');
            }
        }
        meters.counter("guard.session_keys", "result", "failed").increment();
        throw cannotDecrypt();
    }

    private static GuardProblemException cannotDecrypt() {
        return new GuardProblemException(422, "cannot-decrypt", "Unprocessable content", CANNOT_DECRYPT);
    }
}
