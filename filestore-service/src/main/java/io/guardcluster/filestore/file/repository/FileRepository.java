package io.guardcluster.filestore.file.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.filestore.file.FileRecipient;
import io.guardcluster.filestore.file.StoredFile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code guard_file} and {@code guard_file_recipient}. Reads see only ready rows; a row is inserted pending
 * before its object is written and made ready (with its recipients) in one transaction once the object is
 * complete.
 */
@ApplicationScoped
public class FileRepository {

    private static final String COLUMNS = "f.id, f.file_id, f.owner_context, f.owner_user, f.name, f.content_type, f.form, "
            + "f.size, f.stored_size, f.stored_sha256, f.location, f.created_at";
    private static final String PENDING = "pending";
    private static final String READY = "ready";

    private final Pool pool;

    FileRepository(Pool pool) {
        this.pool = pool;
    }

    /** A pending row for an upload about to be written to {@code location}; its database id. */
    public Uni<Long> insertPending(String fileId, int context, int user, String name, String contentType,
            StoredFile.Form form, String location) {
        return pool.preparedQuery("INSERT INTO guard_file (file_id, owner_context, owner_user, name, content_type, form, "
                + "state, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.tuple().addString(fileId).addInteger(context).addInteger(user).addString(name)
                        .addString(contentType).addString(form.column()).addString(PENDING).addString(location))
                .map(rows -> rows.property(io.vertx.mutiny.mysqlclient.MySQLClient.LAST_INSERTED_ID));
    }

    /** Makes an upload visible: sizes, digest and recipients, in one transaction. False if the row is gone. */
    public Uni<Boolean> markReady(long row, long size, long storedSize, String sha256, List<FileRecipient> recipients) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE guard_file SET state = ?, size = ?, stored_size = ?, "
                + "stored_sha256 = ? WHERE id = ? AND state = ?")
                .execute(Tuple.tuple().addString(READY).addValue(size < 0 ? null : size).addLong(storedSize)
                        .addString(sha256).addLong(row).addString(PENDING))
                .chain(updated -> updated.rowCount() == 1
                        ? insertRecipients(tx, row, recipients).replaceWith(true)
                        : Uni.createFrom().item(false)));
    }

    /** Removes a pending row (its upload failed); ready rows are left alone. */
    public Uni<Void> deletePending(long row) {
        return pool.preparedQuery("DELETE FROM guard_file WHERE id = ? AND state = ?").execute(Tuple.of(row, PENDING))
                .replaceWithVoid();
    }

    /** Pending rows older than {@code before}: uploads that never finished (crash, abort). */
    public Uni<List<Map.Entry<Long, String>>> stalePending(Instant before, int limit) {
        return pool.preparedQuery("SELECT id, location FROM guard_file WHERE state = ? AND created_at < ? ORDER BY id LIMIT ?")
                .execute(Tuple.of(PENDING, time(before), limit))
                .map(rows -> {
                    List<Map.Entry<Long, String>> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(Map.entry(r.getLong("id"), r.getString("location")));
                    }
                    return out;
                });
    }

    /**
     * A ready file the user may see: they own it, or one of its recipient rows carries their address. Empty
     * otherwise: to anyone else it does not exist.
     */
    public Uni<Optional<StoredFile>> findVisible(String fileId, int context, int user, String email) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guard_file f WHERE f.file_id = ? AND f.state = ? AND "
                + "((f.owner_context = ? AND f.owner_user = ?) OR EXISTS (SELECT 1 FROM guard_file_recipient r "
                + "WHERE r.file_row = f.id AND r.email = ?))")
                .execute(Tuple.of(fileId, READY, context, user, email))
                .chain(rows -> {
                    List<StoredFile> files = files(rows);
                    return files.isEmpty() ? Uni.createFrom().item(Optional.<StoredFile>empty())
                            : withRecipients(files).map(list -> Optional.of(list.get(0)));
                });
    }

    /** The user's files and those shared with them, newest first. */
    public Uni<List<StoredFile>> listVisible(int context, int user, String email) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM guard_file f WHERE f.state = ? AND "
                + "((f.owner_context = ? AND f.owner_user = ?) OR EXISTS (SELECT 1 FROM guard_file_recipient r "
                + "WHERE r.file_row = f.id AND r.email = ?)) ORDER BY f.created_at DESC, f.id DESC LIMIT 1000")
                .execute(Tuple.of(READY, context, user, email))
                .chain(rows -> withRecipients(files(rows)));
    }

    public Uni<Void> addRecipients(long row, List<FileRecipient> recipients) {
        return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM guard_file_recipient WHERE file_row = ? AND email = ?")
                .executeBatch(recipients.stream().map(FileRecipient::email).distinct().map(e -> Tuple.of(row, e)).toList())
                .chain(() -> insertRecipients(tx, row, recipients)));
    }

    /** Removes every key of {@code email} from the file's recipients; how many were removed. */
    public Uni<Integer> removeRecipient(long row, String email) {
        return pool.preparedQuery("DELETE FROM guard_file_recipient WHERE file_row = ? AND email = ?")
                .execute(Tuple.of(row, email)).map(RowSet::rowCount);
    }

    /** Deletes a file's row (recipients cascade); true if it was there. */
    public Uni<Boolean> delete(long row) {
        return pool.preparedQuery("DELETE FROM guard_file WHERE id = ?").execute(Tuple.of(row)).map(r -> r.rowCount() == 1);
    }

    private static Uni<Void> insertRecipients(SqlClient client, long row, List<FileRecipient> recipients) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("INSERT INTO guard_file_recipient (file_row, email, key_fingerprint, esk_packet) "
                + "VALUES (?, ?, ?, ?)")
                .executeBatch(recipients.stream().map(r -> Tuple.of(row, r.email(), r.fingerprint(),
                        io.vertx.core.buffer.Buffer.buffer(r.eskPacket()))).toList())
                .replaceWithVoid();
    }

    private Uni<List<StoredFile>> withRecipients(List<StoredFile> files) {
        if (files.isEmpty()) {
            return Uni.createFrom().item(files);
        }
        Map<Long, List<FileRecipient>> byRow = new LinkedHashMap<>();
        files.forEach(f -> byRow.put(f.row(), new ArrayList<>()));
        String marks = String.join(", ", java.util.Collections.nCopies(files.size(), "?"));
        Tuple ids = Tuple.tuple();
        files.forEach(f -> ids.addLong(f.row()));
        return pool.preparedQuery("SELECT file_row, email, key_fingerprint, esk_packet FROM guard_file_recipient "
                + "WHERE file_row IN (" + marks + ") ORDER BY added_at, email")
                .execute(ids)
                .map(rows -> {
                    for (Row r : rows) {
                        byRow.get(r.getLong("file_row")).add(new FileRecipient(r.getString("email"),
                                r.getString("key_fingerprint"), r.getBuffer("esk_packet").getBytes()));
                    }
                    return files.stream().map(f -> f.withRecipients(byRow.get(f.row()))).toList();
                });
    }

    private static List<StoredFile> files(RowSet<Row> rows) {
        List<StoredFile> out = new ArrayList<>();
        for (Row r : rows) {
            Long size = r.getLong("size");
            Long stored = r.getLong("stored_size");
            out.add(new StoredFile(r.getLong("id"), r.getString("file_id"), r.getInteger("owner_context"),
                    r.getInteger("owner_user"), r.getString("name"), r.getString("content_type"),
                    StoredFile.Form.ofColumn(r.getString("form")), size == null ? -1 : size, stored == null ? -1 : stored,
                    r.getString("stored_sha256"), r.getString("location"),
                    r.getLocalDateTime("created_at").toInstant(ZoneOffset.UTC), List.of()));
        }
        return out;
    }

    private static LocalDateTime time(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
