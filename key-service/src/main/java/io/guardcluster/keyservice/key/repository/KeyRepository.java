package io.guardcluster.keyservice.key.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.keyservice.key.KeyringKey;
import io.guardcluster.keyservice.key.UserKey;
import io.guardcluster.keyservice.pgp.KeyInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The users' own keys ({@code guard_key} with its id and address indexes) and their keyrings of
 * correspondents' public keys. Writes take a {@link SqlClient} so a caller can group them in one
 * transaction: a key row and its index rows are written together or not at all.
 */
@ApplicationScoped
public class KeyRepository {

    private static final String KEY_COLUMNS = "id, context_id, user_id, fingerprint, key_id, key_version, algorithm, "
            + "is_current, public_key, secret_key, created_at, expires_at, revoked_at, revocation_reason";
    private static final String KEYRING_COLUMNS = "id, fingerprint, key_id, key_version, algorithm, public_key, "
            + "created_at, expires_at, revoked_at";

    private final Pool pool;

    KeyRepository(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<List<UserKey>> list(int contextId, int userId) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM guard_key WHERE context_id = ? AND user_id = ? ORDER BY id")
                .execute(Tuple.of(contextId, userId)).map(rows -> all(rows, KeyRepository::toKey));
    }

    public Uni<Optional<UserKey>> find(SqlClient client, int contextId, int userId, String fingerprint) {
        return client.preparedQuery("SELECT " + KEY_COLUMNS + " FROM guard_key WHERE context_id = ? AND user_id = ? "
                + "AND fingerprint = ?").execute(Tuple.of(contextId, userId, fingerprint))
                .map(rows -> all(rows, KeyRepository::toKey).stream().findFirst());
    }

    public Uni<Optional<UserKey>> current(int contextId, int userId) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM guard_key WHERE context_id = ? AND user_id = ? "
                + "AND is_current = TRUE").execute(Tuple.of(contextId, userId))
                .map(rows -> all(rows, KeyRepository::toKey).stream().findFirst());
    }

    /** The user's own keys that hold one of {@code keyIds} (primary or subkey). */
    public Uni<List<UserKey>> findByKeyIds(int contextId, int userId, Collection<String> keyIds) {
        if (keyIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String marks = String.join(", ", java.util.Collections.nCopies(keyIds.size(), "?"));
        Tuple args = Tuple.tuple().addInteger(contextId).addInteger(userId);
        keyIds.forEach(args::addString);
        return pool.preparedQuery("SELECT DISTINCT " + prefixed("k") + " FROM guard_key k JOIN guard_key_id i ON i.key_row = k.id "
                + "WHERE k.context_id = ? AND k.user_id = ? AND i.key_id IN (" + marks + ") ORDER BY k.id")
                .execute(args).map(rows -> all(rows, KeyRepository::toKey));
    }

    /**
     * Every key of whoever has {@code email} as primary address (the own-users directory): the current key first,
     * else (the user revoked it) the newest, then the others, newest first. The first is the one to encrypt to if
     * it is usable; the others let a reader check signatures made before the user's last new key.
     */
    public Uni<List<UserKey>> allByEmail(String email) {
        return pool.preparedQuery("SELECT " + prefixed("k") + " FROM guard_key k JOIN guard_user u "
                + "ON u.context_id = k.context_id AND u.user_id = k.user_id WHERE u.email = ? "
                + "ORDER BY k.is_current DESC, k.id DESC")
                .execute(Tuple.of(email)).map(rows -> all(rows, KeyRepository::toKey));
    }

    /**
     * Inserts a key with its index rows. {@code verifiedEmails}: the addresses the directory may answer
     * for with this key (only addresses the groupware vouched for, never whatever a user ID claims).
     */
    public Uni<Long> insert(SqlClient client, int contextId, int userId, KeyInfo info, byte[] publicKey, byte[] secretKey,
            List<String> verifiedEmails) {
        return client.preparedQuery("INSERT INTO guard_key (context_id, user_id, fingerprint, key_id, key_version, algorithm, "
                + "is_current, public_key, secret_key, created_at, expires_at, revoked_at, revocation_reason) "
                + "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.tuple().addInteger(contextId).addInteger(userId).addString(info.fingerprint())
                        .addString(info.keyId()).addInteger(info.version()).addString(info.algorithm())
                        .addValue(blob(publicKey)).addValue(blob(secretKey))
                        .addValue(time(info.created())).addValue(info.expires().map(KeyRepository::time).orElse(null))
                        .addValue(info.revoked().map(KeyRepository::time).orElse(null))
                        .addString(info.revocationReason().map(KeyRepository::clip).orElse(null)))
                .map(rows -> rows.property(io.vertx.mutiny.mysqlclient.MySQLClient.LAST_INSERTED_ID))
                .call(id -> index(client, id, info, verifiedEmails));
    }

    /** Replaces a key's material after a change (new user ID, revocation) and its index rows. */
    public Uni<Void> update(SqlClient client, long id, KeyInfo info, byte[] publicKey, byte[] secretKey,
            List<String> verifiedEmails) {
        return client.preparedQuery("UPDATE guard_key SET public_key = ?, secret_key = ?, expires_at = ?, revoked_at = ?, "
                + "revocation_reason = ? WHERE id = ?")
                .execute(Tuple.tuple().addValue(blob(publicKey)).addValue(blob(secretKey))
                        .addValue(info.expires().map(KeyRepository::time).orElse(null))
                        .addValue(info.revoked().map(KeyRepository::time).orElse(null))
                        .addString(info.revocationReason().map(KeyRepository::clip).orElse(null)).addLong(id))
                .chain(() -> client.preparedQuery("DELETE FROM guard_key_id WHERE key_row = ?").execute(Tuple.of(id)))
                .chain(() -> client.preparedQuery("DELETE FROM guard_key_email WHERE key_row = ?").execute(Tuple.of(id)))
                .chain(() -> index(client, id, info, verifiedEmails));
    }

    /** Makes {@code id} the user's only current key (or none, with a negative id). */
    public Uni<Void> setCurrent(SqlClient client, int contextId, int userId, long id) {
        // One statement (one round trip inside the transaction). InnoDB checks the unique index row by row, so the
        // ORDER BY clears the old current row before it marks the new one.
        return client.preparedQuery("UPDATE guard_key SET is_current = IF(id = ?, TRUE, NULL) "
                + "WHERE context_id = ? AND user_id = ? ORDER BY id = ?")
                .execute(Tuple.of(id, contextId, userId, id)).replaceWithVoid();
    }

    public Uni<Boolean> delete(SqlClient client, long id) {
        return client.preparedQuery("DELETE FROM guard_key WHERE id = ?").execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
    }

    // --- keyring ---

    public Uni<List<KeyringKey>> keyring(int contextId, int userId) {
        return pool.preparedQuery("SELECT " + KEYRING_COLUMNS + " FROM guard_keyring_key WHERE context_id = ? AND user_id = ? "
                + "ORDER BY id").execute(Tuple.of(contextId, userId)).map(rows -> all(rows, KeyRepository::toKeyringKey));
    }

    public Uni<List<KeyringKey>> keyringByEmail(int contextId, int userId, String email) {
        return pool.preparedQuery("SELECT " + prefixedKeyring("k") + " FROM guard_keyring_key k JOIN guard_keyring_email e "
                + "ON e.keyring_row = k.id WHERE k.context_id = ? AND k.user_id = ? AND e.email = ? ORDER BY k.id")
                .execute(Tuple.of(contextId, userId, email)).map(rows -> all(rows, KeyRepository::toKeyringKey));
    }

    /** Adds or replaces (same fingerprint) a correspondent's key in the user's keyring. */
    public Uni<Void> upsertKeyring(SqlClient client, int contextId, int userId, KeyInfo info, byte[] publicKey) {
        return client.preparedQuery("DELETE FROM guard_keyring_key WHERE context_id = ? AND user_id = ? AND fingerprint = ?")
                .execute(Tuple.of(contextId, userId, info.fingerprint()))
                .chain(() -> client.preparedQuery("INSERT INTO guard_keyring_key (context_id, user_id, fingerprint, key_id, "
                        + "key_version, algorithm, public_key, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .execute(Tuple.tuple().addInteger(contextId).addInteger(userId).addString(info.fingerprint())
                                .addString(info.keyId()).addInteger(info.version()).addString(info.algorithm())
                                .addValue(blob(publicKey)).addValue(time(info.created()))
                                .addValue(info.expires().map(KeyRepository::time).orElse(null))
                                .addValue(info.revoked().map(KeyRepository::time).orElse(null))))
                .map(rows -> rows.property(io.vertx.mutiny.mysqlclient.MySQLClient.LAST_INSERTED_ID))
                .chain(id -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String email : info.emails().stream().distinct().toList()) {
                        chain = chain.chain(() -> client.preparedQuery("INSERT INTO guard_keyring_email (email, keyring_row) "
                                + "VALUES (?, ?)").execute(Tuple.of(email, id)).replaceWithVoid());
                    }
                    return chain;
                });
    }

    public Uni<Boolean> deleteKeyring(int contextId, int userId, String fingerprint) {
        return pool.preparedQuery("DELETE FROM guard_keyring_key WHERE context_id = ? AND user_id = ? AND fingerprint = ?")
                .execute(Tuple.of(contextId, userId, fingerprint)).map(r -> r.rowCount() == 1);
    }

    /** The key's index rows: one multi-row INSERT per table (round trips inside the transaction are what it costs). */
    private Uni<Void> index(SqlClient client, long id, KeyInfo info, List<String> verifiedEmails) {
        List<String> keyIds = info.allKeyIds().stream().distinct().toList();
        List<String> emails = verifiedEmails.stream().distinct().toList();
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!keyIds.isEmpty()) {
            Tuple values = Tuple.tuple();
            keyIds.forEach(keyId -> values.addString(keyId).addString(info.fingerprint()).addLong(id));
            chain = chain.chain(() -> client.preparedQuery("INSERT INTO guard_key_id (key_id, fingerprint, key_row) VALUES "
                    + rows(keyIds.size(), "(?, ?, ?)")).execute(values).replaceWithVoid());
        }
        if (!emails.isEmpty()) {
            Tuple values = Tuple.tuple();
            emails.forEach(email -> values.addString(email).addLong(id));
            chain = chain.chain(() -> client.preparedQuery("INSERT INTO guard_key_email (email, key_row) VALUES "
                    + rows(emails.size(), "(?, ?)")).execute(values).replaceWithVoid());
        }
        return chain;
    }

    private static String rows(int n, String row) {
        return String.join(", ", java.util.Collections.nCopies(n, row));
    }

    /**
     * A BLOB parameter. It must be Vert.x' core {@code Buffer}: the Mutiny wrapper passed to
     * {@code addValue} is not recognised and would be stored as its string form.
     */
    private static io.vertx.core.buffer.Buffer blob(byte[] bytes) {
        return io.vertx.core.buffer.Buffer.buffer(bytes);
    }

    private static String prefixed(String alias) {
        return alias + "." + KEY_COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static String prefixedKeyring(String alias) {
        return alias + "." + KEYRING_COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> out = new ArrayList<>();
        rows.forEach(row -> out.add(mapper.apply(row)));
        return out;
    }

    private static UserKey toKey(Row row) {
        return new UserKey(row.getLong("id"), row.getInteger("context_id"), row.getInteger("user_id"),
                row.getString("fingerprint"), row.getString("key_id"), row.getInteger("key_version"),
                row.getString("algorithm"), Boolean.TRUE.equals(row.getBoolean("is_current")),
                row.getBuffer("public_key").getBytes(), row.getBuffer("secret_key").getBytes(),
                instant(row, "created_at").orElseThrow(), instant(row, "expires_at"), instant(row, "revoked_at"),
                Optional.ofNullable(row.getString("revocation_reason")));
    }

    private static KeyringKey toKeyringKey(Row row) {
        return new KeyringKey(row.getLong("id"), row.getString("fingerprint"), row.getString("key_id"),
                row.getInteger("key_version"), row.getString("algorithm"), row.getBuffer("public_key").getBytes(),
                instant(row, "created_at").orElseThrow(), instant(row, "expires_at"), instant(row, "revoked_at"));
    }

    private static Optional<Instant> instant(Row row, String column) {
        LocalDateTime value = row.getLocalDateTime(column);
        return Optional.ofNullable(value).map(v -> v.toInstant(ZoneOffset.UTC));
    }

    /** TIMESTAMP columns hold UTC (the services' connections use UTC). */
    private static LocalDateTime time(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String clip(String reason) {
        return reason.length() <= 255 ? reason : reason.substring(0, 255);
    }
}
