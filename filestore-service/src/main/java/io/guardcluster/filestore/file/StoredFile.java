package io.guardcluster.filestore.file;

import java.time.Instant;
import java.util.List;

/**
 * A file as its row says (see {@code V5__files.sql}).
 *
 * @param row        the database id (never shown)
 * @param id         the public id
 * @param size       plaintext bytes; -1 when unknown (as-is files)
 * @param recipients who can decrypt it (empty for plain files)
 */
public record StoredFile(long row, String id, int ownerContext, int ownerUser, String name, String contentType, Form form,
        long size, long storedSize, String storedSha256, String location, Instant created, List<FileRecipient> recipients) {

    /** How the file is stored; see the schema. */
    public enum Form {
        ENCRYPTED, AS_IS, PLAIN;

        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Form ofColumn(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public boolean ownedBy(int context, int user) {
        return ownerContext == context && ownerUser == user;
    }

    public StoredFile withRecipients(List<FileRecipient> list) {
        return new StoredFile(row, id, ownerContext, ownerUser, name, contentType, form, size, storedSize, storedSha256,
                location, created, List.copyOf(list));
    }
}
