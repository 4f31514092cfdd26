package io.guardcluster.keyservice.directory.repository;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Read-only, exact-match queries over the users' own keys (V2 schema, plus the WKD columns of V3).
 * Every query is answered by an index and returns at most the keys of one user, or the keys holding
 * one (sub)key id/fingerprint: nothing here lists or searches users.
 */
@ApplicationScoped
public class DirectoryRepository {

    private static final String COLUMNS = "k.id, k.fingerprint, k.public_key, (k.is_current IS TRUE) AS current_key,"
            + " (k.revoked_at IS NOT NULL) AS revoked, u.email";
    /**
     * Keys with their owners, guests (context 0, V4) left out: their keys stand in for people without one, and
     * the directory must not tell anyone whom Guard users write to.
     */
    private static final String KEY_AND_OWNER = " FROM guard_key k JOIN guard_user u"
            + " ON u.context_id = k.context_id AND u.user_id = k.user_id AND u.context_id <> 0";

    /**
     * For an address: the current key of the user whose primary address it is, then that user's
     * revoked keys whose user IDs carry the address (so a lookup by address also spreads their
     * revocations). Superseded keys that are still valid are left out: new correspondents should
     * use the current key. Other users' keys never match, even if a user ID of theirs names the
     * address.
     */
    static final String BY_EMAIL = "SELECT " + COLUMNS + KEY_AND_OWNER
            + " WHERE u.email = ? AND (k.is_current IS TRUE OR (k.revoked_at IS NOT NULL AND EXISTS"
            + " (SELECT 1 FROM guard_key_email e WHERE e.key_row = k.id AND e.email = ?)))"
            + " ORDER BY current_key DESC, k.created_at DESC, k.id DESC";

    /** Every key that has a primary key or subkey with this 64-bit id (collisions: all of them). */
    static final String BY_KEY_ID = "SELECT " + COLUMNS + KEY_AND_OWNER
            + " WHERE k.id IN (SELECT i.key_row FROM guard_key_id i WHERE i.key_id = ?) ORDER BY k.id";

    /** The key with this primary fingerprint, and any key with a subkey of this fingerprint. */
    static final String BY_FINGERPRINT = "SELECT " + COLUMNS + KEY_AND_OWNER + " WHERE k.fingerprint = ?"
            + " UNION ALL SELECT " + COLUMNS + KEY_AND_OWNER + " JOIN guard_key_id i ON i.key_row = k.id"
            + " WHERE i.fingerprint = ?";

    /**
     * WKD: the current key of the user with this domain and SHA-1 of the local part (V3 columns). A user
     * who revoked their current key and has no other yet gets the latest revoked key, revocation
     * included, so WKD clients learn of the revocation instead of keeping the old key (one key only).
     */
    static final String BY_WKD_HASH = "SELECT " + COLUMNS + KEY_AND_OWNER
            + " WHERE u.wkd_domain = ? AND u.wkd_hash = UNHEX(?) AND (k.is_current IS TRUE OR (k.revoked_at IS NOT NULL"
            + " AND NOT EXISTS (SELECT 1 FROM guard_key c WHERE c.context_id = k.context_id AND c.user_id = k.user_id"
            + " AND c.is_current IS TRUE)))"
            + " ORDER BY current_key DESC, k.revoked_at DESC, k.id DESC LIMIT 1";

    static final String DOMAIN_KNOWN = "SELECT 1 FROM guard_user WHERE wkd_domain = ? AND context_id <> 0 LIMIT 1";

    private final Pool pool;

    public DirectoryRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<DirectoryKey>> byEmail(String address) {
        return query(BY_EMAIL, Tuple.of(address, address));
    }

    public Uni<List<DirectoryKey>> byKeyId(String keyIdHex) {
        return query(BY_KEY_ID, Tuple.of(keyIdHex));
    }

    public Uni<List<DirectoryKey>> byFingerprint(String fingerprintHex) {
        return query(BY_FINGERPRINT, Tuple.of(fingerprintHex, fingerprintHex));
    }

    /** {@code localPartSha1}: the 20-byte SHA-1 of the lower-cased local part (the WKD hash, decoded). */
    public Uni<List<DirectoryKey>> byWkdHash(String domain, byte[] localPartSha1) {
        // Bound as hex: compared with a Buffer parameter, the BINARY(20) column matched no row
        // (Vert.x MySQL client against MariaDB 10.11), while UNHEX(?) does.
        return query(BY_WKD_HASH, Tuple.of(domain, HexFormat.of().formatHex(localPartSha1)));
    }

    /** Whether some Guard user has an address in {@code domain}. */
    public Uni<Boolean> hasUsersIn(String domain) {
        return pool.preparedQuery(DOMAIN_KNOWN).execute(Tuple.of(domain)).map(rows -> rows.size() > 0);
    }

    private Uni<List<DirectoryKey>> query(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).map(DirectoryRepository::keys);
    }

    private static List<DirectoryKey> keys(RowSet<Row> rows) {
        Map<Long, DirectoryKey> byRow = new LinkedHashMap<>();
        for (Row row : rows) {
            long id = row.getLong("id");
            byRow.putIfAbsent(id, new DirectoryKey(id, row.getString("fingerprint"),
                    row.getBuffer("public_key").getBytes(), row.getLong("current_key") != 0,
                    row.getLong("revoked") != 0, row.getString("email")));
        }
        return new ArrayList<>(byRow.values());
    }
}
