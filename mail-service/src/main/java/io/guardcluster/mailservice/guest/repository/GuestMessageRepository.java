package io.guardcluster.mailservice.guest.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.mailservice.guest.GuestMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code guard_guest_message}: one row per guest copy, found by the SHA-256 of its link token. Expired rows are
 * never answered (the expiry is checked in every query, not only by the cleanup), so a link dies on time even if
 * the cleanup is late.
 */
@ApplicationScoped
public class GuestMessageRepository {

    private static final String COLUMNS = "id, file_id, guest_user, guest_email, sender_context, sender_user, sender_email, "
            + "message_id, pin_sealed, failed_attempts, locked_until, created_at, expires_at";

    private final Pool pool;

    GuestMessageRepository(Pool pool) {
        this.pool = pool;
    }

    /** A new row for a stored copy; its database id. */
    public Uni<Long> insert(byte[] tokenSha256, String fileId, int guestUser, String guestEmail, int senderContext,
            int senderUser, String senderEmail, String messageId, byte[] pinSealed, Instant expiresAt) {
        return pool.preparedQuery("INSERT INTO guard_guest_message (token_sha256, file_id, guest_user, guest_email, "
                + "sender_context, sender_user, sender_email, message_id, pin_sealed, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.tuple().addValue(Buffer.buffer(tokenSha256)).addString(fileId).addInteger(guestUser)
                        .addString(guestEmail).addInteger(senderContext).addInteger(senderUser).addString(senderEmail)
                        .addString(messageId).addValue(pinSealed == null ? null : Buffer.buffer(pinSealed))
                        .addValue(time(expiresAt)))
                .map(rows -> rows.property(io.vertx.mutiny.mysqlclient.MySQLClient.LAST_INSERTED_ID));
    }

    /** The unexpired row of a link token's hash. */
    public Uni<Optional<GuestMessage>> findLive(byte[] tokenSha256, Instant now) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guard_guest_message WHERE token_sha256 = ? AND expires_at > ?")
                .execute(Tuple.of(Buffer.buffer(tokenSha256), time(now)))
                .map(rows -> messages(rows).stream().findFirst());
    }

    /**
     * Counts a wrong password or PIN; at {@code max} the link is locked until {@code lockedUntil} and the count starts
     * again, in one statement (concurrent attempts on other replicas count too). MySQL evaluates the SET list left to
     * right: {@code locked_until} is decided on the count before this attempt.
     */
    public Uni<Void> recordFailure(long row, int max, Instant lockedUntil) {
        return pool.preparedQuery("UPDATE guard_guest_message SET "
                + "locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END, "
                + "failed_attempts = CASE WHEN failed_attempts + 1 >= ? THEN 0 ELSE failed_attempts + 1 END WHERE id = ?")
                .execute(Tuple.of(max, time(lockedUntil), max, row)).replaceWithVoid();
    }

    /** A successful login: the count starts again. */
    public Uni<Void> resetFailures(long row) {
        return pool.preparedQuery("UPDATE guard_guest_message SET failed_attempts = 0, locked_until = NULL WHERE id = ? "
                + "AND (failed_attempts > 0 OR locked_until IS NOT NULL)").execute(Tuple.of(row)).replaceWithVoid();
    }

    /** Rows expired before {@code now}, oldest first. */
    public Uni<List<GuestMessage>> expired(Instant now, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guard_guest_message WHERE expires_at <= ? ORDER BY expires_at LIMIT ?")
                .execute(Tuple.of(time(now), limit)).map(GuestMessageRepository::messages);
    }

    /** Removes a row; true if it was there (another replica may have removed it first). */
    public Uni<Boolean> delete(long row) {
        return pool.preparedQuery("DELETE FROM guard_guest_message WHERE id = ?").execute(Tuple.of(row))
                .map(rows -> rows.rowCount() == 1);
    }

    private static List<GuestMessage> messages(RowSet<Row> rows) {
        List<GuestMessage> out = new ArrayList<>();
        for (Row r : rows) {
            io.vertx.mutiny.core.buffer.Buffer pin = r.getBuffer("pin_sealed");
            LocalDateTime locked = r.getLocalDateTime("locked_until");
            out.add(new GuestMessage(r.getLong("id"), r.getString("file_id"), r.getInteger("guest_user"),
                    r.getString("guest_email"), r.getInteger("sender_context"), r.getInteger("sender_user"),
                    r.getString("sender_email"), r.getString("message_id"), pin == null ? null : pin.getBytes(),
                    r.getInteger("failed_attempts"), locked == null ? null : locked.toInstant(ZoneOffset.UTC),
                    r.getLocalDateTime("created_at").toInstant(ZoneOffset.UTC),
                    r.getLocalDateTime("expires_at").toInstant(ZoneOffset.UTC)));
        }
        return out;
    }

    /** TIMESTAMP columns hold UTC: the pool's session time zone is UTC (as filestore-service's). */
    private static LocalDateTime time(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), ZoneOffset.UTC);
    }
}
