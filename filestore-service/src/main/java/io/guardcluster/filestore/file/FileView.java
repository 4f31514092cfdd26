package io.guardcluster.filestore.file;

import java.time.Instant;
import java.util.List;

/**
 * A file as the API shows it.
 *
 * @param size  plaintext bytes; null when not known (a file uploaded already encrypted)
 * @param mine  whether the caller owns it (else it was shared with them)
 * @param form  {@code encrypted}, {@code as-is} (uploaded encrypted) or {@code plain}
 */
public record FileView(String id, String name, String contentType, Long size, String form, boolean mine, Instant created,
        List<Recipient> recipients) {

    /** Someone who can decrypt the file (the owner among them). */
    public record Recipient(String email, String fingerprint) {
    }

    static FileView of(StoredFile file, int context, int user) {
        return new FileView(file.id(), file.name(), file.contentType(), file.size() < 0 ? null : file.size(),
                file.form().column(), file.ownedBy(context, user), file.created(),
                file.recipients().stream().map(r -> new Recipient(r.email(), r.fingerprint())).toList());
    }
}
