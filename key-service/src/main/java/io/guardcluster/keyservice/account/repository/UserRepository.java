package io.guardcluster.keyservice.account.repository;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.keyservice.account.GuardUser;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code guard_user} table. Writes take a {@link SqlClient} so they can join a caller's transaction. */
@ApplicationScoped
public class UserRepository {

    private static final String COLUMNS = "context_id, user_id, email, recovery_email, password_wrap, recovery, "
            + "password_temporary, revision";

    private final Pool pool;

    UserRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<GuardUser>> find(int contextId, int userId) {
        return find(pool, contextId, userId, false);
    }

    /** Inside a transaction, {@code forUpdate} locks the row until it ends. */
    public Uni<Optional<GuardUser>> find(SqlClient client, int contextId, int userId, boolean forUpdate) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM guard_user WHERE context_id = ? AND user_id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(contextId, userId))
                .map(rows -> first(rows).map(UserRepository::toUser));
    }

    public Uni<Optional<GuardUser>> findByEmail(String email) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guard_user WHERE email = ?")
                .execute(Tuple.of(email))
                .map(rows -> first(rows).map(UserRepository::toUser));
    }

    /** Inserts a user row (revision 0). Fails with a duplicate-key error if it exists. */
    public Uni<Void> insert(SqlClient client, GuardUser user) {
        return client.preparedQuery("INSERT INTO guard_user (context_id, user_id, email, recovery_email, password_wrap, "
                + "recovery, password_temporary, revision) VALUES (?, ?, ?, ?, ?, ?, ?, 0)")
                .execute(Tuple.tuple().addInteger(user.contextId()).addInteger(user.userId()).addString(user.email())
                        .addString(user.recoveryEmail().orElse(null)).addValue(buffer(user.passwordWrap()))
                        .addValue(buffer(user.recovery())).addBoolean(user.passwordTemporary()))
                .replaceWithVoid();
    }

    /**
     * Replaces the password wrap, recovery data and temporary flag if the row is still at
     * {@code user.revision()}; false if someone else changed it first.
     */
    public Uni<Boolean> updateProtection(SqlClient client, GuardUser user, byte[] passwordWrap, byte[] recovery,
            boolean temporary) {
        return client.preparedQuery("UPDATE guard_user SET password_wrap = ?, recovery = ?, password_temporary = ?, "
                + "revision = revision + 1 WHERE context_id = ? AND user_id = ? AND revision = ?")
                .execute(Tuple.tuple().addValue(buffer(passwordWrap)).addValue(buffer(recovery)).addBoolean(temporary)
                        .addInteger(user.contextId()).addInteger(user.userId()).addInteger(user.revision()))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Takes the user's one password reset per {@code interval}: true if none happened within it (and now one has),
     * false otherwise. Atomic, so two replicas resetting at once cannot both send a mail.
     */
    public Uni<Boolean> claimReset(GuardUser user, java.time.Duration interval) {
        return pool.preparedQuery("UPDATE guard_user SET password_reset_at = CURRENT_TIMESTAMP(3) "
                + "WHERE context_id = ? AND user_id = ? AND (password_reset_at IS NULL "
                + "OR password_reset_at <= TIMESTAMPADD(MICROSECOND, ?, CURRENT_TIMESTAMP(3)))")
                .execute(Tuple.of(user.contextId(), user.userId(), -interval.toNanos() / 1000))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Seconds until the user may reset again (at least 1), after {@link #claimReset} said no. */
    public Uni<Long> secondsUntilReset(GuardUser user, java.time.Duration interval) {
        return pool.preparedQuery("SELECT TIMESTAMPDIFF(SECOND, CURRENT_TIMESTAMP(3), "
                + "TIMESTAMPADD(MICROSECOND, ?, password_reset_at)) AS remaining FROM guard_user "
                + "WHERE context_id = ? AND user_id = ?")
                .execute(Tuple.of(interval.toNanos() / 1000, user.contextId(), user.userId()))
                .map(rows -> first(rows).map(row -> row.getLong("remaining")).filter(r -> r != null).orElse(1L))
                .map(remaining -> Math.max(1L, remaining));
    }

    /** Gives a claimed reset back (its mail could not be sent, nothing changed): the user may try again. */
    public Uni<Void> releaseReset(GuardUser user) {
        return pool.preparedQuery("UPDATE guard_user SET password_reset_at = NULL WHERE context_id = ? AND user_id = ?")
                .execute(Tuple.of(user.contextId(), user.userId())).replaceWithVoid();
    }

    public Uni<Boolean> updateRecoveryEmail(GuardUser user, String recoveryEmail) {
        return pool.preparedQuery("UPDATE guard_user SET recovery_email = ?, revision = revision + 1 "
                + "WHERE context_id = ? AND user_id = ? AND revision = ?")
                .execute(Tuple.of(recoveryEmail, user.contextId(), user.userId(), user.revision()))
                .map(rows -> rows.rowCount() == 1);
    }

    public Pool pool() {
        return pool;
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    private static GuardUser toUser(Row row) {
        return new GuardUser(row.getInteger("context_id"), row.getInteger("user_id"), row.getString("email"),
                Optional.ofNullable(row.getString("recovery_email")), bytes(row, "password_wrap"), bytes(row, "recovery"),
                row.getBoolean("password_temporary"), row.getInteger("revision"));
    }

    static byte[] bytes(Row row, String column) {
        Buffer buffer = row.getBuffer(column);
        return buffer == null ? null : buffer.getBytes();
    }

    /** A nullable BLOB parameter: Vert.x' core {@code Buffer} (the Mutiny wrapper would be stored as a string). */
    static io.vertx.core.buffer.Buffer buffer(byte[] bytes) {
        return bytes == null ? null : io.vertx.core.buffer.Buffer.buffer(bytes);
    }
}
