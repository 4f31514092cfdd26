package io.guardcluster.keyservice.key;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.jboss.logging.Logger;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.guardcluster.keyservice.account.GuardUser;
import io.guardcluster.keyservice.account.KeyProtectionSecret;
import io.guardcluster.keyservice.account.repository.UserRepository;
import io.guardcluster.keyservice.crypto.CryptoWorkers;
import io.guardcluster.keyservice.key.repository.KeyRepository;
import io.guardcluster.keyservice.keycache.KeyCache;
import io.guardcluster.keyservice.pgp.KeyInfo;
import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyPolicy;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.KeyReader;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.pgp.PgpInputException;
import io.guardcluster.keyservice.pgp.WrongPassphraseException;
import io.guardcluster.keyservice.unlock.Unlock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mysqlclient.MySQLException;

/**
 * A user's own keys: generation (from the key cache when it has one), import, export, current key,
 * user IDs, revocation, deletion; and the user's keyring of correspondents' public keys.
 *
 * <p>Every private key is stored protected under the user's key-protection secret; operations that
 * need it unlock first (password or token) and clear the secret afterwards. A key row and its index
 * rows are written in one transaction.
 */
@ApplicationScoped
public class KeyService {

    private static final Logger LOG = Logger.getLogger(KeyService.class);
    private static final int MYSQL_DUPLICATE_KEY = 1062;

    private final AccountService accounts;
    private final UserRepository users;
    private final KeyRepository keys;
    private final CryptoWorkers crypto;
    private final KeyCache keyCache;
    private final KeysConfig config;
    private final MeterRegistry meters;
    private final KeyPolicy policy = KeyPolicy.defaults();

    KeyService(AccountService accounts, UserRepository users, KeyRepository keys, CryptoWorkers crypto, KeyCache keyCache,
            KeysConfig config, MeterRegistry meters) {
        this.accounts = accounts;
        this.users = users;
        this.keys = keys;
        this.crypto = crypto;
        this.keyCache = keyCache;
        this.config = config;
        this.meters = meters;
    }

    /** What a key generation asks for. {@code password}: the Guard password (sets it for a new user). */
    public record GenerateRequest(String password, String unlockToken, String profile, String name, Boolean makeCurrent,
            String recoveryEmail) {
        @Override
        public String toString() {
            return "GenerateRequest[profile=" + profile + "]";
        }
    }

    public Uni<List<KeyView>> list(InternalIdentity identity) {
        return keys.list(identity.contextId(), identity.userId()).chain(this::views);
    }

    /** The user's key with this fingerprint, or 404. */
    public Uni<UserKey> require(InternalIdentity identity, String fingerprint) {
        String normalized = normalizeFingerprint(fingerprint);
        return keys.find(keys.pool(), identity.contextId(), identity.userId(), normalized).map(found -> found.orElseThrow(
                () -> GuardProblemException.notFound("key-not-found", "you have no key with fingerprint " + normalized)));
    }

    public Uni<KeyView> generate(InternalIdentity identity, GenerateRequest request) {
        KeyProfile profile = profile(request.profile());
        String userId = userId(request.name(), identity.email());
        return users.find(identity.contextId(), identity.userId()).chain(existing -> {
            if (existing.isEmpty()) {
                // First key: the password in the request becomes the Guard password.
                if (request.password() == null) {
                    throw GuardProblemException.badRequest("password-required",
                            "your first key needs a Guard password to protect it: send \"password\"");
                }
                return accounts.prepare(identity, request.password(), Optional.ofNullable(request.recoveryEmail()))
                        .chain(account -> generateWith(account.secret(), profile, userId)
                                .chain(ring -> store(identity, Optional.of(account.user()), List.of(ring), true)));
            }
            return accounts.unlock(existing.get(), new Unlock(request.password(), request.unlockToken()), false)
                    .chain(secret -> generateWith(secret, profile, userId))
                    .chain(ring -> store(identity, Optional.empty(), List.of(ring),
                            request.makeCurrent() == null || request.makeCurrent()));
        }).map(views -> views.get(0));
    }

    /**
     * A new key for {@code userId}, protected under {@code secret} (which is cleared), generated on a crypto thread
     * (from the key cache when it has a key of this profile). Stores nothing.
     */
    public Uni<PGPSecretKeyRing> generateProtected(KeyProtectionSecret secret, KeyProfile profile, String userId) {
        return generateWith(secret, profile, userId);
    }

    /** Generates on a crypto thread, from the key cache when it has a key of this profile. Clears the secret. */
    private Uni<PGPSecretKeyRing> generateWith(KeyProtectionSecret secret, KeyProfile profile, String userId) {
        return crypto.run(() -> {
            try (secret) {
                Timer.Sample sample = Timer.start(meters);
                KeyMaterial material = pooled(profile).orElseGet(() -> KeyMaterial.generate(profile, Instant.now()));
                char[] passphrase = secret.storagePassphrase();
                try {
                    // Counted from the key's creation, as OpenPGP counts expiry: a pooled key's subkey binding
                    // (made when the pool generated it) then says the same and need not be signed again.
                    return OpenPgpKeys.certify(material, userId, config.expiry().map(material.creationTime()::plus), passphrase,
                            OpenPgpKeys.Protection.STORAGE);
                } finally {
                    Arrays.fill(passphrase, '\0');
                    sample.stop(meters.timer("guard.keys.provisioning", "profile", profile.id()));
                }
            }
        });
    }

    private Optional<KeyMaterial> pooled(KeyProfile profile) {
        if (profile.algorithm() != KeyProfile.Algorithm.RSA) {
            return Optional.empty(); // Ed25519 takes microseconds: nothing to pool
        }
        return keyCache.claim(profile.id()).flatMap(encoded -> {
            try {
                return Optional.of(KeyMaterial.decode(encoded));
            } catch (PgpInputException e) {
                // Opened fine under the master key but does not decode: a bug, not the user's problem.
                LOG.errorf("discarding a pooled %s key that does not decode: %s", profile.id(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /**
     * Imports the user's own private key(s), re-protected under the key-protection secret.
     * {@code keyPassword}: the passphrase the uploaded key is protected with (none if unprotected).
     * {@code password}/{@code unlockToken}: the Guard password (sets it for a new user).
     */
    public Uni<List<KeyView>> importPrivate(InternalIdentity identity, byte[] upload, String keyPassword, Unlock unlock,
            boolean makeCurrent) {
        return crypto.run(() -> readOwnSecretKeys(identity, upload))
                .chain(rings -> users.find(identity.contextId(), identity.userId()).chain(existing -> {
                    if (existing.isEmpty()) {
                        if (unlock == null || !unlock.hasPassword()) {
                            throw GuardProblemException.badRequest("password-required",
                                    "importing your first key sets your Guard password: send \"password\"");
                        }
                        return accounts.prepare(identity, unlock.password(), Optional.empty())
                                .chain(account -> reprotect(rings, keyPassword, account.secret())
                                        .chain(protectedRings -> store(identity, Optional.of(account.user()), protectedRings, true)));
                    }
                    return accounts.unlock(existing.get(), unlock, false)
                            .chain(secret -> reprotect(rings, keyPassword, secret))
                            .chain(protectedRings -> store(identity, Optional.empty(), protectedRings, makeCurrent));
                }));
    }

    private List<PGPSecretKeyRing> readOwnSecretKeys(InternalIdentity identity, byte[] upload) {
        List<PGPKeyRing> read = read(upload);
        List<PGPSecretKeyRing> secrets = new ArrayList<>();
        String address = identity.email().toLowerCase(Locale.ROOT);
        for (PGPKeyRing ring : read) {
            if (!(ring instanceof PGPSecretKeyRing secret)) {
                throw GuardProblemException.badRequest("not-a-private-key",
                        "the upload holds a public key: import your own private key here, correspondents' public keys "
                                + "at /api/keys/keyring");
            }
            KeyInfo info = KeyInfo.of(ring);
            if (!info.emails().contains(address)) {
                throw GuardProblemException.badRequest("key-without-your-address", "key " + info.fingerprint()
                        + " has no user ID with your address " + address + ": add one (e.g. gpg --quick-add-uid) and upload again");
            }
            checkUsable(ring, info);
            secrets.add(secret);
        }
        return secrets;
    }

    private Uni<List<PGPSecretKeyRing>> reprotect(List<PGPSecretKeyRing> rings, String keyPassword, KeyProtectionSecret secret) {
        return crypto.run(() -> {
            try (secret) {
                char[] storage = secret.storagePassphrase();
                char[] old = keyPassword == null ? new char[0] : keyPassword.toCharArray();
                try {
                    List<PGPSecretKeyRing> out = new ArrayList<>();
                    for (PGPSecretKeyRing ring : rings) {
                        out.add(OpenPgpKeys.reprotect(ring, old, storage, OpenPgpKeys.Protection.STORAGE));
                    }
                    return out;
                } catch (WrongPassphraseException e) {
                    throw GuardProblemException.badRequest("key-password-wrong",
                            "\"keyPassword\" does not unlock the uploaded private key");
                } finally {
                    Arrays.fill(storage, '\0');
                    Arrays.fill(old, '\0');
                }
            }
        });
    }

    /**
     * A key ready to store: encodings and the evaluated {@link KeyInfo} (signature checks: CPU work,
     * done on a crypto thread before the transaction, never inside it on the event loop).
     */
    private record Prepared(KeyInfo info, byte[] publicKey, byte[] secretKey, List<String> verifiedEmails) {
    }

    private static Prepared prepare(PGPSecretKeyRing ring, InternalIdentity identity) {
        String primary = identity.email().toLowerCase(Locale.ROOT);
        PGPPublicKeyRing publicKey = OpenPgpKeys.publicKey(ring);
        KeyInfo info = KeyInfo.of(publicKey);
        // The directory answers for an address only if the groupware vouched for it (the primary one).
        List<String> verified = info.emails().contains(primary) ? List.of(primary) : List.of();
        return new Prepared(info, OpenPgpKeys.encode(publicKey), OpenPgpKeys.encode(ring), verified);
    }

    /** Stores new keys (and, for a new user, the user row) in one transaction. */
    private Uni<List<KeyView>> store(InternalIdentity identity, Optional<GuardUser> newUser, List<PGPSecretKeyRing> rings,
            boolean makeCurrent) {
        return crypto.run(() -> rings.stream().map(ring -> prepare(ring, identity)).toList())
                .chain(prepared -> keys.pool().withTransaction(tx -> {
                    Uni<Void> chain = newUser.map(user -> users.insert(tx, user)).orElse(Uni.createFrom().voidItem());
                    List<Long> ids = new ArrayList<>();
                    for (Prepared key : prepared) {
                        chain = chain.chain(() -> keys.insert(tx, identity.contextId(), identity.userId(), key.info(),
                                key.publicKey(), key.secretKey(), key.verifiedEmails()).invoke(ids::add).replaceWithVoid());
                    }
                    return chain.chain(() -> makeCurrent || newUser.isPresent()
                            ? keys.setCurrent(tx, identity.contextId(), identity.userId(), ids.get(ids.size() - 1)).replaceWith(true)
                            : ensureSomeCurrent(tx, identity, ids.get(ids.size() - 1)));
                }).onFailure(KeyService::isDuplicate).recoverWithUni(e -> duplicate(identity, newUser.isPresent()).replaceWith(false))
                        // The answer comes from what was just stored: no second query, no second evaluation.
                        .map(lastIsCurrent -> {
                            List<KeyView> views = new ArrayList<>();
                            for (int i = 0; i < prepared.size(); i++) {
                                views.add(view(prepared.get(i).info(), lastIsCurrent && i == prepared.size() - 1, true));
                            }
                            return views;
                        }));
    }

    /** Why a store hit a unique key: the key exists, or (new account) the address already has a Guard account. */
    private Uni<Void> duplicate(InternalIdentity identity, boolean newAccount) {
        Uni<Boolean> guest = newAccount
                ? users.findByEmail(identity.email().toLowerCase(Locale.ROOT)).map(found -> found.filter(GuardUser::isGuest).isPresent())
                : Uni.createFrom().item(false);
        return guest.map(isGuest -> {
            if (isGuest) {
                // A guest account was created for this address before the user started Guard (mail-service
                // should only create guests for addresses the groupware does not know). Not taken over silently:
                // mail encrypted to the guest's key needs the guest's password.
                throw GuardProblemException.conflict("address-held-by-guest",
                        "your address already has a Guard guest account (mail from Guard users reached you before you "
                                + "had Guard); ask your administrator to move it to your account");
            }
            throw GuardProblemException.conflict("key-exists",
                    "this key (or your Guard account) already exists; list your keys to see it");
        });
    }

    /** Makes {@code candidate} current if the user has no current key; true if it did. */
    private Uni<Boolean> ensureSomeCurrent(SqlClient tx, InternalIdentity identity, long candidate) {
        return keys.current(identity.contextId(), identity.userId())
                .chain(current -> current.isPresent() ? Uni.createFrom().item(false)
                        : keys.setCurrent(tx, identity.contextId(), identity.userId(), candidate).replaceWith(true));
    }

    public Uni<String> exportPublic(InternalIdentity identity, String fingerprint) {
        return require(identity, fingerprint).map(key -> OpenPgpKeys.armor(OpenPgpKeys.readPublic(key.publicKey())));
    }

    /**
     * The private key, armored and protected with {@code exportPassword} (the Guard password when the
     * request unlocks with it and names no other). Never unprotected.
     */
    public Uni<String> exportPrivate(InternalIdentity identity, String fingerprint, Unlock unlock, String exportPassword) {
        String protection = exportPassword != null ? exportPassword : unlock == null ? null : unlock.password();
        if (protection == null || protection.length() < 8) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("export-password-required",
                    "an exported private key is always password-protected: send \"exportPassword\" (at least 8 characters)"
                            + " or unlock with your Guard password"));
        }
        return require(identity, fingerprint).chain(key -> accounts.require(identity)
                .chain(user -> accounts.unlock(user, unlock, false))
                .chain(secret -> crypto.run(() -> {
                    try (secret) {
                        char[] storage = secret.storagePassphrase();
                        char[] export = protection.toCharArray();
                        try {
                            return OpenPgpKeys.armor(OpenPgpKeys.reprotect(OpenPgpKeys.readSecret(key.secretKey()), storage,
                                    export, OpenPgpKeys.Protection.EXPORT));
                        } finally {
                            Arrays.fill(storage, '\0');
                            Arrays.fill(export, '\0');
                        }
                    }
                })));
    }

    public Uni<KeyView> makeCurrent(InternalIdentity identity, String fingerprint) {
        return require(identity, fingerprint).chain(key -> {
            if (key.revoked().isPresent()) {
                throw GuardProblemException.conflict("key-revoked", "a revoked key cannot become your current key");
            }
            if (key.expires().filter(e -> !e.isAfter(Instant.now())).isPresent()) {
                throw GuardProblemException.conflict("key-expired", "an expired key cannot become your current key");
            }
            return keys.pool().withTransaction(tx -> keys.setCurrent(tx, identity.contextId(), identity.userId(), key.id()));
        }).chain(() -> require(identity, fingerprint)).chain(this::view);
    }

    public Uni<KeyView> addUserId(InternalIdentity identity, String fingerprint, String userId, Unlock unlock) {
        if (userId == null || userId.isBlank() || userId.length() > 255 || userId.chars().anyMatch(c -> c < 0x20)) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("invalid-user-id",
                    "\"userId\" must be one line of at most 255 characters, e.g. \"Alice <alice@example.com>\""));
        }
        return changeSecretKey(identity, fingerprint, unlock, (ring, passphrase) -> OpenPgpKeys.addUserId(ring, userId, passphrase));
    }

    public Uni<KeyView> revoke(InternalIdentity identity, String fingerprint, OpenPgpKeys.RevocationReason reason,
            String description, Unlock unlock) {
        String text = description == null ? "" : description;
        if (text.length() > 200) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("invalid-description",
                    "\"description\" has at most 200 characters"));
        }
        return require(identity, fingerprint).chain(key -> {
            if (key.revoked().isPresent()) {
                throw GuardProblemException.conflict("key-revoked", "this key is already revoked");
            }
            return changeSecretKey(identity, fingerprint, unlock,
                    (ring, passphrase) -> OpenPgpKeys.revoke(ring, reason, text, passphrase));
        }).call(view -> view.current()
                ? keys.pool().withTransaction(tx -> keys.setCurrent(tx, identity.contextId(), identity.userId(), -1))
                : Uni.createFrom().voidItem())
                .chain(() -> require(identity, fingerprint)).chain(this::view);
    }

    /** A change made with the private key (certification), stored in one transaction. */
    private Uni<KeyView> changeSecretKey(InternalIdentity identity, String fingerprint, Unlock unlock, SecretKeyChange change) {
        return require(identity, fingerprint).chain(key -> accounts.require(identity)
                .chain(user -> accounts.unlock(user, unlock, false))
                .chain(secret -> crypto.run(() -> {
                    try (secret) {
                        char[] storage = secret.storagePassphrase();
                        try {
                            return prepare(change.apply(OpenPgpKeys.readSecret(key.secretKey()), storage), identity);
                        } finally {
                            Arrays.fill(storage, '\0');
                        }
                    }
                }))
                .chain(changed -> keys.pool().withTransaction(tx -> keys.update(tx, key.id(), changed.info(),
                        changed.publicKey(), changed.secretKey(), changed.verifiedEmails()))))
                .chain(() -> require(identity, fingerprint)).chain(this::view);
    }

    @FunctionalInterface
    private interface SecretKeyChange {
        PGPSecretKeyRing apply(PGPSecretKeyRing ring, char[] passphrase) throws Exception;
    }

    /** Deletes one of the user's keys (needs the password: there is no undo). */
    public Uni<Void> delete(InternalIdentity identity, String fingerprint, Unlock unlock) {
        if (config.noDeletePrivate()) {
            return Uni.createFrom().failure(GuardProblemException.forbidden("delete-forbidden",
                    "this deployment does not allow deleting private keys; revoke the key instead"));
        }
        return require(identity, fingerprint).chain(key -> accounts.require(identity)
                .chain(user -> accounts.unlock(user, unlock, false)).invoke(KeyProtectionSecret::destroy)
                .chain(() -> keys.pool().withTransaction(tx -> keys.delete(tx, key.id())))
                .invoke(() -> LOG.infof("key %s deleted by user %d in context %d", key.fingerprint(), identity.userId(),
                        identity.contextId())))
                .replaceWithVoid();
    }

    // --- keyring ---

    public Uni<List<KeyView>> keyring(InternalIdentity identity) {
        return keys.keyring(identity.contextId(), identity.userId())
                .chain(found -> crypto.run(() -> found.stream().map(k -> publicView(OpenPgpKeys.readPublic(k.publicKey())))
                        .toList()));
    }

    /** Adds correspondents' public keys to the user's keyring (replacing older copies of the same keys). */
    public Uni<List<KeyView>> importPublic(InternalIdentity identity, byte[] upload) {
        record Correspondent(KeyInfo info, byte[] encoded, KeyView view) {
        }
        return crypto.run(() -> {
            List<Correspondent> keysToStore = new ArrayList<>();
            for (PGPKeyRing ring : read(upload)) {
                if (ring instanceof PGPSecretKeyRing) {
                    throw GuardProblemException.badRequest("private-key-in-keyring",
                            "the upload holds a private key: your keyring takes correspondents' public keys only; "
                                    + "import your own key at /api/keys/import");
                }
                KeyInfo info = KeyInfo.of(ring);
                policy.problem(ring).ifPresent(problem -> {
                    throw GuardProblemException.badRequest("key-not-acceptable", "key " + info.fingerprint() + ": " + problem);
                });
                keysToStore.add(new Correspondent(info, OpenPgpKeys.encode(ring), publicView(ring)));
            }
            return keysToStore;
        }).chain(correspondents -> users.find(identity.contextId(), identity.userId()).chain(user -> {
            if (user.isEmpty()) {
                throw GuardProblemException.conflict("no-guard-account",
                        "create your own key first: the keyring belongs to your Guard account");
            }
            return keys.pool().withTransaction(tx -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (Correspondent key : correspondents) {
                    chain = chain.chain(() -> keys.upsertKeyring(tx, identity.contextId(), identity.userId(), key.info(),
                            key.encoded()));
                }
                return chain;
            }).map(done -> correspondents.stream().map(Correspondent::view).toList());
        }));
    }

    public Uni<Void> deleteFromKeyring(InternalIdentity identity, String fingerprint) {
        String normalized = normalizeFingerprint(fingerprint);
        return keys.deleteKeyring(identity.contextId(), identity.userId(), normalized).invoke(deleted -> {
            if (!deleted) {
                throw GuardProblemException.notFound("key-not-found", "your keyring has no key with fingerprint " + normalized);
            }
        }).replaceWithVoid();
    }

    // --- helpers ---

    private List<PGPKeyRing> read(byte[] upload) {
        int limit = (int) Math.min(Integer.MAX_VALUE, config.uploadLimit().asLongValue());
        try {
            return KeyReader.read(upload, limit);
        } catch (PgpInputException e) {
            // The reader's messages say what was wrong without quoting key material.
            throw switch (e.code()) {
                case TOO_LARGE -> new GuardProblemException(413, "key-too-large", "Payload too large", e.getMessage());
                case NOT_A_KEY -> GuardProblemException.badRequest("not-a-key", e.getMessage());
                case UNSUPPORTED -> GuardProblemException.badRequest("unsupported-key", e.getMessage());
                case EMPTY, MALFORMED -> GuardProblemException.badRequest("invalid-key-data", e.getMessage());
            };
        }
    }

    private void checkUsable(PGPKeyRing ring, KeyInfo info) {
        if (info.revoked().isPresent()) {
            throw GuardProblemException.badRequest("key-revoked", "key " + info.fingerprint() + " is revoked");
        }
        if (info.isExpired(Instant.now())) {
            throw GuardProblemException.badRequest("key-expired", "key " + info.fingerprint() + " has expired");
        }
        policy.problem(ring).ifPresent(problem -> {
            throw GuardProblemException.badRequest("key-not-acceptable", "key " + info.fingerprint() + ": " + problem);
        });
    }

    private KeyProfile profile(String requested) {
        String id = requested == null ? config.profile() : requested;
        try {
            return KeyProfile.parse(id);
        } catch (IllegalArgumentException e) {
            throw GuardProblemException.badRequest("unknown-profile",
                    "\"profile\" must be one of ed25519, rsa2048, rsa3072, rsa4096");
        }
    }

    /** "Name &lt;email&gt;", or "&lt;email&gt;" without a name; 400 for a name that does not fit in a user ID. */
    public static String userId(String name, String email) {
        if (name == null || name.isBlank()) {
            return "<" + email + ">";
        }
        if (name.length() > 100 || name.chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
            throw GuardProblemException.badRequest("invalid-name", "\"name\" must be one line without '<' or '>', at most 100 characters");
        }
        return name.trim() + " <" + email + ">";
    }

    static String normalizeFingerprint(String fingerprint) {
        String hex = fingerprint == null ? "" : fingerprint.replace(" ", "").toUpperCase(Locale.ROOT);
        if (hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (!hex.matches("[0-9A-F]{40}|[0-9A-F]{64}")) {
            throw GuardProblemException.badRequest("invalid-fingerprint",
                    "a fingerprint is 40 (v4) or 64 (v6) hexadecimal digits");
        }
        return hex;
    }

    /** Whether a database write failed on a unique key. */
    public static boolean isDuplicate(Throwable e) {
        return e instanceof MySQLException mysql && mysql.getErrorCode() == MYSQL_DUPLICATE_KEY;
    }

    /** Views evaluate signatures (KeyInfo): on a crypto thread. */
    private Uni<List<KeyView>> views(List<UserKey> found) {
        return crypto.run(() -> found.stream().map(KeyService::toView).toList());
    }

    private Uni<KeyView> view(UserKey key) {
        return crypto.run(() -> toView(key));
    }

    static KeyView toView(UserKey key) {
        KeyInfo info = KeyInfo.of(OpenPgpKeys.readPublic(key.publicKey()));
        return new KeyView(key.fingerprint(), key.keyId(), key.version(), key.algorithm(), info.userIds(), key.created(),
                key.expires().orElse(null), key.revoked().orElse(null), key.revocationReason().orElse(null), key.current(), true,
                info.canEncrypt(), info.canSign());
    }

    static KeyView publicView(PGPKeyRing ring) {
        return view(KeyInfo.of(ring), false, false);
    }

    private static KeyView view(KeyInfo info, boolean current, boolean hasPrivateKey) {
        return new KeyView(info.fingerprint(), info.keyId(), info.version(), info.algorithm(), info.userIds(), info.created(),
                info.expires().orElse(null), info.revoked().orElse(null), info.revocationReason().orElse(null), current,
                hasPrivateKey, info.canEncrypt(), info.canSign());
    }
}
