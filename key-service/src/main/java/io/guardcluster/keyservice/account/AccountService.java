package io.guardcluster.keyservice.account;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.infinispan.SharedCache;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.common.seal.SealException;
import io.guardcluster.keyservice.account.repository.UserRepository;
import io.guardcluster.keyservice.crypto.CryptoWorkers;
import io.guardcluster.keyservice.unlock.FailedUnlocks;
import io.guardcluster.keyservice.unlock.Unlock;
import io.guardcluster.keyservice.unlock.UnlockTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Guard passwords: setting one up, unlocking with it (or a token), changing it, resetting it through
 * recovery, and the user's choice to give recovery up. Argon2 and everything touching secrets run on
 * {@link CryptoWorkers}; database calls stay reactive.
 */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class);
    private static final char[] TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final UserRepository users;
    private final ClusterMasterKey masterKey;
    private final AccountConfig.Password passwords;
    private final AccountConfig.Recovery recovery;
    private final AccountConfig.Unlock unlockConfig;
    private final FailedUnlocks failures;
    private final UnlockTokens tokens;
    private final CryptoWorkers crypto;
    private final ResetMailer mailer;
    private final MeterRegistry meters;
    private final SecureRandom random = new SecureRandom();

    AccountService(UserRepository users, ClusterMasterKey masterKey, AccountConfig.Password passwords,
            AccountConfig.Recovery recovery, AccountConfig.Unlock unlockConfig, FailedUnlocks failures, UnlockTokens tokens,
            CryptoWorkers crypto, ResetMailer mailer, MeterRegistry meters) {
        this.users = users;
        this.masterKey = masterKey;
        this.passwords = passwords;
        this.recovery = recovery;
        this.unlockConfig = unlockConfig;
        this.failures = failures;
        this.tokens = tokens;
        this.crypto = crypto;
        this.mailer = mailer;
        this.meters = meters;
    }

    /** A new user's protection: a fresh secret, wrapped under the password, and recovery data if enabled. */
    public record NewAccount(GuardUser user, KeyProtectionSecret secret) {
    }

    /** The user, or 404 when they have never set up Guard. */
    public Uni<GuardUser> require(InternalIdentity identity) {
        return users.find(identity.contextId(), identity.userId()).map(found -> found.orElseThrow(
                () -> GuardProblemException.notFound("no-guard-account",
                        "you have no Guard keys yet: create a key first (POST /api/keys) with the password to protect it")));
    }

    /** Builds (does not store) a new account for {@code identity}. Runs Argon2 on a crypto thread. */
    public Uni<NewAccount> prepare(InternalIdentity identity, String password, Optional<String> recoveryEmail) {
        checkNewPassword(password, "password");
        recoveryEmail.ifPresent(AccountService::checkEmail);
        return crypto.run(() -> {
            KeyProtectionSecret secret = KeyProtectionSecret.random(random);
            char[] chars = password.toCharArray();
            try {
                byte[] wrap = PasswordWrap.wrap(secret, chars, passwords.cost(), identity.contextId(), identity.userId(), random);
                byte[] sealed = recovery.enabled()
                        ? RecoveryData.seal(masterKey.sealer(), secret, identity.contextId(), identity.userId())
                        : null;
                GuardUser user = new GuardUser(identity.contextId(), identity.userId(), normalize(identity.email()),
                        recoveryEmail.map(AccountService::normalize), wrap, sealed, false, 0);
                return new NewAccount(user, secret);
            } finally {
                Arrays.fill(chars, '\0');
            }
        });
    }

    /**
     * The user's key-protection secret, from the password or an unlock token. Wrong passwords count
     * towards the cluster-wide lockout. {@code allowTemporary}: only a password change may use a
     * temporary (reset) password.
     */
    public Uni<KeyProtectionSecret> unlock(GuardUser user, Unlock unlock, boolean allowTemporary) {
        if (unlock == null || (!unlock.hasPassword() && !unlock.hasToken())) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("unlock-required",
                    "this operation needs your private key: send \"password\" (your Guard password) or \"unlockToken\""));
        }
        if (!user.hasPassword()) {
            return Uni.createFrom().failure(GuardProblemException.conflict("no-password",
                    "your Guard account has no password yet: create a key first"));
        }
        if (user.passwordTemporary() && !allowTemporary) {
            return Uni.createFrom().failure(GuardProblemException.forbidden("password-change-required",
                    "your password was reset: choose a new one (PUT /api/keys/password) before using your keys"));
        }
        return crypto.run(() -> unlockBlocking(user, unlock));
    }

    private KeyProtectionSecret unlockBlocking(GuardUser user, Unlock unlock) {
        if (unlock.hasToken() && !unlock.hasPassword()) {
            try {
                return tokens.redeem(user.contextId(), user.userId(), unlock.unlockToken()).orElseThrow(
                        () -> GuardProblemException.forbidden("unlock-token-invalid",
                                "the unlock token is unknown, expired or revoked: unlock with your password again"));
            } catch (SharedCache.UnavailableException e) {
                throw new GuardProblemException(503, "unlock-tokens-unavailable", "Service unavailable",
                        "remembered unlocks are unavailable right now: send your password instead", 5);
            }
        }
        Optional<Duration> locked = failures.lockedFor(user.contextId(), user.userId());
        if (locked.isPresent()) {
            meters.counter("guard.unlocks", "result", "locked").increment();
            throw locked(locked.get());
        }
        char[] chars = unlock.password().toCharArray();
        try {
            KeyProtectionSecret secret = PasswordWrap.unwrap(user.passwordWrap(), chars, user.contextId(), user.userId());
            failures.clear(user.contextId(), user.userId());
            meters.counter("guard.unlocks", "result", "ok").increment();
            return secret;
        } catch (PasswordWrap.WrongPasswordException e) {
            meters.counter("guard.unlocks", "result", "wrong-password").increment();
            Optional<Duration> nowLocked = failures.recordFailure(user.contextId(), user.userId());
            if (nowLocked.isPresent()) {
                // A new lockout: worth an alert when it climbs (someone guessing passwords).
                meters.counter("guard.lockouts").increment();
                throw locked(nowLocked.get());
            }
            int left = failures.remainingAttempts(user.contextId(), user.userId());
            throw GuardProblemException.forbidden("wrong-password", "the Guard password is not correct; " + left
                    + " more wrong attempt" + (left == 1 ? "" : "s") + " lock your keys for "
                    + unlockConfig.lockout().toMinutes() + " minutes");
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static GuardProblemException locked(Duration remaining) {
        return new GuardProblemException(423, "keys-locked", "Locked",
                "too many wrong passwords: your keys are locked for another " + Math.max(1, remaining.toMinutes())
                        + " minute(s)", remaining.toSeconds());
    }

    /** Checks the password and hands out an unlock token valid on every replica. */
    public Uni<UnlockTokens.Issued> remember(InternalIdentity identity, String password, Optional<Duration> requested) {
        if (password == null || password.isEmpty()) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("password-required",
                    "send your Guard password as \"password\""));
        }
        Duration lifetime = requested.orElse(unlockConfig.rememberDefault());
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(unlockConfig.rememberMax()) > 0) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("remember-out-of-range",
                    "\"rememberMinutes\" must be between 1 and " + unlockConfig.rememberMax().toMinutes()));
        }
        return require(identity)
                .chain(user -> unlock(user, new Unlock(password, null), false))
                .chain(secret -> crypto.run(() -> {
                    try (secret) {
                        return tokens.issue(identity.contextId(), identity.userId(), secret, lifetime);
                    } catch (SharedCache.UnavailableException e) {
                        throw new GuardProblemException(503, "unlock-tokens-unavailable", "Service unavailable",
                                "remembered unlocks are unavailable right now: send your password with each request", 5);
                    }
                }));
    }

    /** Logout: every unlock token of the user stops working, on every replica. */
    public Uni<Void> forget(InternalIdentity identity) {
        return crypto.run(() -> {
            try {
                tokens.revokeAll(identity.contextId(), identity.userId());
                return null;
            } catch (SharedCache.UnavailableException e) {
                throw new GuardProblemException(503, "unlock-tokens-unavailable", "Service unavailable",
                        "cannot revoke unlock tokens right now; they expire on their own, try again shortly", 5);
            }
        });
    }

    /** Changes the password: rewraps the same secret, so no key is re-encrypted. Revokes unlock tokens. */
    public Uni<Void> changePassword(InternalIdentity identity, String currentPassword, String newPassword) {
        checkNewPassword(newPassword, "newPassword");
        if (currentPassword == null || currentPassword.isEmpty()) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("password-required",
                    "send your current Guard password as \"currentPassword\""));
        }
        return require(identity).chain(user -> unlock(user, new Unlock(currentPassword, null), true)
                .chain(secret -> crypto.run(() -> {
                    try (secret) {
                        char[] chars = newPassword.toCharArray();
                        try {
                            return PasswordWrap.wrap(secret, chars, passwords.cost(), user.contextId(), user.userId(), random);
                        } finally {
                            Arrays.fill(chars, '\0');
                        }
                    }
                }))
                .chain(wrap -> users.updateProtection(users.pool(), user, wrap, user.recovery(), false))
                .invoke(updated -> {
                    if (!updated) {
                        throw concurrentChange();
                    }
                }))
                .chain(() -> forget(identity).onFailure().recoverWithNull())
                .invoke(() -> LOG.infof("Guard password changed for user %d in context %d", identity.userId(),
                        identity.contextId()))
                .replaceWithVoid();
    }

    /**
     * OX Guard's password reset: opens the recovery data with the master key, wraps the secret under a
     * new random temporary password and mails it to the secondary address (or the primary one). Any
     * replica can do it. The user must change the temporary password before using their keys.
     */
    public Uni<String> reset(InternalIdentity identity) {
        return require(identity).chain(user -> {
            if (!recovery.enabled() || !user.hasRecovery()) {
                return Uni.createFrom().failure(GuardProblemException.conflict("recovery-unavailable",
                        "password recovery is not available for your account (disabled by the administrator or "
                                + "deleted by you): without your password your keys cannot be unlocked"));
            }
            return users.claimReset(user, recovery.resetInterval()).chain(claimed -> claimed ? resetClaimed(identity, user)
                    : users.secondsUntilReset(user, recovery.resetInterval()).chain(seconds -> {
                        meters.counter("guard.password.resets", "result", "too-soon").increment();
                        return Uni.createFrom().failure(new GuardProblemException(429, "reset-too-soon",
                                "Too many requests", "a temporary password was mailed less than "
                                        + recovery.resetInterval().toMinutes() + " minutes ago: use it, or ask again in "
                                        + seconds + " seconds", seconds));
                    }));
        });
    }

    /** The reset itself, this user's one reset of the interval being taken. */
    private Uni<String> resetClaimed(InternalIdentity identity, GuardUser user) {
        char[] temporary = temporaryPassword();
        return crypto.run(() -> {
            try (KeyProtectionSecret secret = RecoveryData.open(masterKey.sealer(), user.recovery(), user.contextId(),
                    user.userId())) {
                return PasswordWrap.wrap(secret, temporary, passwords.cost(), user.contextId(), user.userId(), random);
            } catch (SealException e) {
                throw new IllegalStateException("recovery data of " + user + " does not open: " + e.reason(), e);
            }
        })
                // Mail first: if it cannot go out, the old password must keep working (the user
                // would otherwise be left with a password nobody told them).
                .call(wrap -> mailer.send(user.resetAddress(), temporary).onFailure().call(e -> users.releaseReset(user)
                        .onFailure().recoverWithNull()).onFailure().transform(e -> {
                    LOG.warnf("reset mail for user %d in context %d not sent: %s", user.userId(), user.contextId(),
                            e.getClass().getSimpleName());
                    return GuardProblemException.unavailable("reset-mail-failed",
                            "the reset mail could not be sent; your password is unchanged, try again later");
                }))
                .chain(wrap -> users.updateProtection(users.pool(), user, wrap, user.recovery(), true))
                .invoke(updated -> {
                    if (!updated) {
                        throw concurrentChange();
                    }
                })
                .chain(() -> forget(identity).onFailure().recoverWithNull())
                .eventually(() -> Arrays.fill(temporary, '\0'))
                .invoke(() -> LOG.infof("Guard password reset for user %d in context %d", user.userId(),
                        user.contextId()))
                .invoke(() -> meters.counter("guard.password.resets", "result", "ok").increment())
                .replaceWith(maskAddress(user.resetAddress()));
    }

    /** The user gives recovery up: afterwards nobody, not even an operator with the master key, can reset. */
    public Uni<Void> deleteRecovery(InternalIdentity identity, String password) {
        return require(identity)
                .chain(user -> unlock(user, new Unlock(password, null), false)
                        .invoke(KeyProtectionSecret::destroy)
                        .chain(() -> users.updateProtection(users.pool(), user, user.passwordWrap(), null, user.passwordTemporary()))
                        .invoke(updated -> {
                            if (!updated) {
                                throw concurrentChange();
                            }
                        }))
                .invoke(() -> LOG.infof("recovery data deleted by user %d in context %d", identity.userId(),
                        identity.contextId()))
                .replaceWithVoid();
    }

    /** Sets (or clears, with null) the secondary address a reset mails to. Needs the password. */
    public Uni<Void> setRecoveryEmail(InternalIdentity identity, String password, String email) {
        if (email != null) {
            checkEmail(email);
        }
        return require(identity)
                .chain(user -> unlock(user, new Unlock(password, null), false)
                        .invoke(KeyProtectionSecret::destroy)
                        .chain(() -> users.updateRecoveryEmail(user, email == null ? null : normalize(email)))
                        .invoke(updated -> {
                            if (!updated) {
                                throw concurrentChange();
                            }
                        }))
                .replaceWithVoid();
    }

    public static GuardProblemException concurrentChange() {
        return GuardProblemException.conflict("concurrent-change",
                "your Guard account was changed by another request at the same time; reload and try again");
    }

    private void checkNewPassword(String password, String field) {
        if (password == null || password.length() < passwords.minLength()) {
            throw GuardProblemException.badRequest("password-too-short",
                    "\"" + field + "\" must have at least " + passwords.minLength() + " characters");
        }
        if (password.length() > passwords.maxLength()) {
            throw GuardProblemException.badRequest("password-too-long",
                    "\"" + field + "\" must have at most " + passwords.maxLength() + " characters");
        }
    }

    private static void checkEmail(String email) {
        if (email.length() > 320 || !email.matches("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+")) {
            throw GuardProblemException.badRequest("invalid-email", "\"recoveryEmail\" is not a valid e-mail address");
        }
    }

    /**
     * A random password of {@code guard.password.temporary-length} letters and digits (~5.8 bits each), for a
     * reset or a guest's first unlock: mailed, so it must be changed before the keys are used.
     */
    public char[] temporaryPassword() {
        char[] password = new char[passwords.temporaryLength()];
        for (int i = 0; i < password.length; i++) {
            password[i] = TEMPORARY_ALPHABET[random.nextInt(TEMPORARY_ALPHABET.length)];
        }
        return password;
    }

    static String normalize(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** "a***@example.com": tells the user where to look without disclosing the address to a session thief. */
    static String maskAddress(String email) {
        int at = email.indexOf('@');
        return at <= 0 ? "***" : email.charAt(0) + "***" + email.substring(at);
    }
}
