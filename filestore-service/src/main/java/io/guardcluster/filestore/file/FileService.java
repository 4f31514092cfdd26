package io.guardcluster.filestore.file;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.jboss.logging.Logger;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.keyservice.KeyServiceClient.Unlock;
import io.guardcluster.common.pgp.message.DecryptingInputStream;
import io.guardcluster.common.pgp.message.EncryptedSessionKey;
import io.guardcluster.common.pgp.message.EncryptedSessionKeys;
import io.guardcluster.common.pgp.message.EncryptingOutputStream;
import io.guardcluster.common.pgp.message.MessageDecryptor;
import io.guardcluster.common.pgp.message.MessageEncryptor;
import io.guardcluster.common.pgp.message.MessageFormatException;
import io.guardcluster.common.pgp.message.RecipientKeys;
import io.guardcluster.common.pgp.message.SessionKey;
import io.guardcluster.common.pgp.message.SplitMessage;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.filestore.file.repository.FileRepository;
import io.guardcluster.filestore.storage.ObjectStore;
import io.guardcluster.filestore.storage.ObjectWriter;
import io.guardcluster.filestore.storage.StorageUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Encrypted files: what OX Guard does for Drive. A file is stored as a standard OpenPGP message encrypted to its
 * owner's current key and its other recipients' keys: the encrypted data packet in storage, each recipient's
 * encrypted session-key packet in the database (so sharing adds a packet and never touches the body). Reading
 * one asks key-service for the session key (the private key never leaves it) and decrypts here, streamed.
 *
 * <p>The methods that move file bytes block (worker threads); the others are reactive.
 */
@ApplicationScoped
public class FileService {

    private static final Logger LOG = Logger.getLogger(FileService.class);
    /** The longest this service waits for the database or key-service inside a blocking upload or download. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ENCRYPTED_TYPE = "application/pgp-encrypted";
    private static final int MAX_NAME = 255;

    private final FileRepository files;
    private final ObjectStore store;
    private final KeyServiceClient keys;
    private final FilesConfig config;
    private final MessageEncryptor encryptor = MessageEncryptor.create();
    private final MessageDecryptor decryptor = MessageDecryptor.create();
    private final MeterRegistry meters;
    private final Counter integrityFailures;

    FileService(FileRepository files, ObjectStore store, KeyServiceClient keys, FilesConfig config, MeterRegistry meters) {
        this.files = files;
        this.store = store;
        this.keys = keys;
        this.config = config;
        this.meters = meters;
        this.integrityFailures = Counter.builder("guard.files.integrity.failures")
                .description("Downloads stopped because the stored ciphertext failed its integrity check").register(meters);
    }

    // ------------------------------------------------------------------ upload

    /**
     * Stores an upload: encrypted to the owner (and {@code extraRecipients}) unless it already is an OpenPGP
     * message, in which case it is checked and kept byte for byte. Blocking.
     */
    public FileView upload(InternalIdentity user, String name, String contentType, List<String> extraRecipients,
            Long contentLength, InputStream body) {
        String fileName = fileName(name);
        String type = contentType(contentType);
        long max = config.maxSize().asLongValue();
        if (contentLength != null && contentLength > max) {
            throw tooLarge(max);
        }
        boolean alreadyEncrypted = type.equals(ENCRYPTED_TYPE) || hasEncryptedSuffix(fileName);
        StoredFile.Form form = alreadyEncrypted ? StoredFile.Form.AS_IS : StoredFile.Form.ENCRYPTED;
        Map<String, List<PGPPublicKey>> recipients = alreadyEncrypted ? Map.of() : recipients(user, extraRecipients);
        return store(user, fileName, alreadyEncrypted ? ENCRYPTED_TYPE : type, form, recipients, body, max);
    }

    /** An upload, encrypted here ({@code ENCRYPTED}) or kept as it is ({@code AS_IS}). */
    private FileView store(InternalIdentity user, String fileName, String type, StoredFile.Form form,
            Map<String, List<PGPPublicKey>> recipients, InputStream body, long max) {
        String id = FileIds.random();
        long row = files.insertPending(id, user.contextId(), user.userId(), fileName, type, form, id).await().atMost(WAIT);
        LimitedInputStream in = new LimitedInputStream(body, max);
        long plaintextSize;
        List<FileRecipient> recipientRows = new ArrayList<>();
        DigestingOutputStream stored;
        Timer.Sample sample = Timer.start(meters);
        try (ObjectWriter writer = store.create(id)) {
            stored = new DigestingOutputStream(writer);
            if (form == StoredFile.Form.AS_IS) {
                copyEncrypted(in, stored);
                plaintextSize = -1;
            } else {
                List<PGPPublicKey> all = recipients.values().stream().flatMap(List::stream).toList();
                EncryptingOutputStream encrypting = encryptor.encrypt(all, fileName, Instant.now(), stored);
                try (SessionKey ignored = encrypting.sessionKey()) {
                    copy64k(in, encrypting);
                    encrypting.close();
                }
                plaintextSize = encrypting.plaintextBytes();
                recipientRows = recipientRows(recipients, encrypting.sessionKeys());
            }
            stored.flush();
            writer.commit();
        } catch (LimitedInputStream.LimitExceededException e) {
            abandon(row);
            throw tooLarge(max);
        } catch (MessageFormatException e) {
            abandon(row);
            throw GuardProblemException.badRequest("not-an-encrypted-message", "the upload is named or typed as an "
                    + "encrypted OpenPGP message (.pgp, .gpg, " + ENCRYPTED_TYPE + ") but is not one: " + e.getMessage());
        } catch (StorageUnavailableException e) {
            abandon(row);
            throw e;
        } catch (IOException e) {
            // The client stopped sending (aborted, connection lost, body shorter than announced).
            abandon(row);
            throw GuardProblemException.badRequest("upload-incomplete",
                    "the upload ended before the whole file arrived; nothing was stored, send it again");
        } catch (RuntimeException e) {
            abandon(row);
            throw e;
        }
        sample.stop(meters.timer("guard.files.upload", "form", form.column(), "backend", store.backend()));
        meters.counter("guard.files.bytes", "direction", "in", "backend", store.backend()).increment(stored.count());
        boolean ready;
        try {
            ready = files.markReady(row, plaintextSize, stored.count(), stored.sha256Hex(), recipientRows).await().atMost(WAIT);
        } catch (RuntimeException e) {
            deleteQuietly(id);
            abandon(row);
            throw e;
        }
        if (!ready) {
            // The cleanup took the row for a dead upload (only after guard.files.pending-lifetime).
            deleteQuietly(id);
            throw GuardProblemException.conflict("upload-expired", "the upload took longer than the service allows "
                    + "(guard.files.pending-lifetime); nothing was stored");
        }
        return view(user, id);
    }

    /**
     * Keeps an upload that is already an OpenPGP message as it is, after checking that it starts like one (its
     * session-key packets, then integrity-protected encrypted data): the bytes read for the check go first.
     */
    private static void copyEncrypted(InputStream in, OutputStream out) throws IOException, MessageFormatException {
        RecordingInputStream recording = new RecordingInputStream(new BufferedInputStream(in, 64 * 1024),
                SplitMessage.DEFAULT_MAX_HEADER_BYTES * 2);
        SplitMessage.read(recording);
        out.write(recording.recorded());
        recording.stopRecording();
        copy64k(recording, out);
    }

    private static List<FileRecipient> recipientRows(Map<String, List<PGPPublicKey>> recipients, EncryptedSessionKeys packets) {
        List<FileRecipient> rows = new ArrayList<>();
        recipients.forEach((email, keyList) -> {
            for (PGPPublicKey key : keyList) {
                for (EncryptedSessionKey packet : packets.list()) {
                    if (packet.isFor(key)) {
                        rows.add(new FileRecipient(email, fingerprint(key), packet.encoded()));
                    }
                }
            }
        });
        return rows;
    }

    // ------------------------------------------------------------------ reading

    public Uni<List<FileView>> list(InternalIdentity user) {
        return files.listVisible(user.contextId(), user.userId(), address(user))
                .map(list -> list.stream().map(f -> FileView.of(f, user.contextId(), user.userId())).toList());
    }

    public Uni<FileView> get(InternalIdentity user, String id) {
        return visible(user, id).map(f -> FileView.of(f, user.contextId(), user.userId()));
    }

    /** The file's plaintext, streamed; needs the caller's unlock for encrypted files. Blocking. */
    public Download decrypted(InternalIdentity user, String id, Unlock unlock) {
        StoredFile file = visible(user, id).await().atMost(WAIT);
        if (file.form() == StoredFile.Form.PLAIN) {
            return new Download(file.name(), file.contentType(), file.size(), out -> copy(store.open(file.location()), out));
        }
        InputStream opened = store.open(file.location());
        try {
            byte[] packets;
            InputStream body;
            if (file.form() == StoredFile.Form.AS_IS) {
                SplitMessage split = SplitMessage.read(opened);
                packets = split.sessionKeys().encoded();
                body = split.body();
            } else {
                packets = concatenated(file); // as stored: key-service parses them
                body = opened;
            }
            KeyServiceClient.SessionKey answer = keys.sessionKey(user, packets, unlock).await().atMost(WAIT);
            SessionKey sessionKey = SessionKey.copyOf(answer.algorithm(), answer.key());
            answer.wipe();
            DecryptingInputStream plaintext;
            try {
                plaintext = decryptor.decrypt(body, sessionKey);
            } finally {
                sessionKey.destroy();
            }
            String name = file.form() == StoredFile.Form.AS_IS ? stripEncryptedSuffix(file.name()) : file.name();
            String type = file.form() == StoredFile.Form.AS_IS ? "application/octet-stream" : file.contentType();
            return new Download(name, type, file.form() == StoredFile.Form.ENCRYPTED ? file.size() : -1,
                    out -> copyDecrypted(plaintext, out));
        } catch (MessageFormatException | IOException e) {
            closeQuietly(opened);
            // Every failure to decrypt looks the same to the caller (no oracle).
            throw cannotDecrypt();
        } catch (RuntimeException e) {
            closeQuietly(opened);
            throw e;
        }
    }

    /** The stored OpenPGP message: session-key packets then body (binary), for decrypting elsewhere. Blocking. */
    public Download raw(InternalIdentity user, String id, boolean armor) {
        StoredFile file = visible(user, id).await().atMost(WAIT);
        if (file.form() == StoredFile.Form.PLAIN) {
            throw GuardProblemException.conflict("not-encrypted", "this file is stored decrypted: download its content");
        }
        String name = hasEncryptedSuffix(file.name()) ? file.name() : file.name() + (armor ? ".asc" : ".pgp");
        if (file.form() == StoredFile.Form.AS_IS && !armor) {
            return new Download(name, ENCRYPTED_TYPE, file.storedSize(), out -> copy(store.open(file.location()), out));
        }
        byte[] head = file.form() == StoredFile.Form.ENCRYPTED ? concatenated(file) : new byte[0];
        long length = armor ? -1 : head.length + file.storedSize();
        return new Download(name, armor ? "application/pgp-encrypted; charset=us-ascii" : ENCRYPTED_TYPE, length, out -> {
            OutputStream target = armor ? new org.bouncycastle.bcpg.ArmoredOutputStream(out) : out;
            target.write(head);
            copy(store.open(file.location()), target);
            if (armor) {
                target.close(); // writes the armor's checksum and footer; the container closes the response stream
            }
        });
    }

    // ------------------------------------------------------------------ sharing

    /** Adds every usable key of {@code email} as a recipient: new session-key packets, the body is not touched. */
    public Uni<FileView> share(InternalIdentity user, String id, String email, Unlock unlock) {
        String address = email.trim().toLowerCase(Locale.ROOT);
        return owned(user, id).chain(file -> {
            if (file.form() != StoredFile.Form.ENCRYPTED) {
                throw GuardProblemException.conflict("cannot-share", "only files Guard encrypted can be shared: this one is "
                        + (file.form() == StoredFile.Form.PLAIN ? "stored decrypted" : "stored as it was uploaded (already encrypted)"));
            }
            long others = file.recipients().stream().map(FileRecipient::email).distinct().count();
            if (others >= config.maxRecipients()) {
                throw GuardProblemException.conflict("too-many-recipients", "a file can have at most "
                        + config.maxRecipients() + " recipients");
            }
            byte[] packets = concatenated(file);
            return recipientKeys(user, address).chain(recipientKeys -> keys.sessionKey(user, packets, unlock)
                    .map(answer -> {
                        try (SessionKey sessionKey = SessionKey.copyOf(answer.algorithm(), answer.key())) {
                            answer.wipe();
                            List<FileRecipient> added = new ArrayList<>();
                            for (PGPPublicKey key : recipientKeys) {
                                added.add(new FileRecipient(address, fingerprint(key),
                                        EncryptedSessionKey.encrypt(sessionKey, key).encoded()));
                            }
                            return added;
                        }
                    }))
                    .chain(added -> files.addRecipients(file.row(), added))
                    .chain(() -> get(user, id));
        });
    }

    /** Removes {@code email}'s keys from the recipients (never the owner's own address). */
    public Uni<FileView> unshare(InternalIdentity user, String id, String email) {
        String address = email.trim().toLowerCase(Locale.ROOT);
        if (address.equals(address(user))) {
            throw GuardProblemException.conflict("owner-is-recipient", "you cannot remove yourself from your own file");
        }
        return owned(user, id).chain(file -> files.removeRecipient(file.row(), address))
                .chain(removed -> {
                    if (removed == 0) {
                        throw GuardProblemException.notFound("not-a-recipient", address + " is not a recipient of this file");
                    }
                    return get(user, id);
                });
    }

    /** "Remove encryption": stores a decrypted copy as a new file of the caller's. Blocking. */
    public FileView decryptedCopy(InternalIdentity user, String id, Unlock unlock) {
        // The decrypting stream writes into the storage writer directly: no pipe, no thread, bounded memory; the
        // copy is committed only after the whole file decrypted and passed its integrity check.
        return storePlain(user, decrypted(user, id, unlock));
    }

    private FileView storePlain(InternalIdentity user, Download plain) {
        String fileId = FileIds.random();
        long row = files.insertPending(fileId, user.contextId(), user.userId(), plain.fileName(), plain.contentType(),
                StoredFile.Form.PLAIN, fileId).await().atMost(WAIT);
        DigestingOutputStream stored;
        try (ObjectWriter writer = store.create(fileId)) {
            stored = new DigestingOutputStream(writer);
            plain.body().write(stored);
            stored.flush();
            writer.commit();
        } catch (IOException e) {
            abandon(row);
            throw cannotDecrypt();
        } catch (RuntimeException e) {
            abandon(row);
            throw e;
        }
        boolean ready = files.markReady(row, stored.count(), stored.count(), stored.sha256Hex(), List.of()).await().atMost(WAIT);
        if (!ready) {
            deleteQuietly(fileId);
            throw GuardProblemException.conflict("upload-expired", "the copy took too long; nothing was stored");
        }
        return view(user, fileId);
    }

    public Uni<Void> delete(InternalIdentity user, String id) {
        return owned(user, id).chain(file -> files.delete(file.row()).invoke(deleted -> {
            // The row is gone, so nobody reaches the object any more; remove it on a worker thread.
            io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool().execute(() -> deleteQuietly(file.location()));
        })).replaceWithVoid();
    }

    // ------------------------------------------------------------------ helpers

    private FileView view(InternalIdentity user, String id) {
        return get(user, id).await().atMost(WAIT);
    }

    /** A file the user may see; anyone else gets the same 404 as for an id that never existed. */
    private Uni<StoredFile> visible(InternalIdentity user, String id) {
        if (!FileIds.plausible(id)) {
            return Uni.createFrom().failure(notFound());
        }
        return files.findVisible(id, user.contextId(), user.userId(), address(user))
                .map(found -> found.orElseThrow(FileService::notFound));
    }

    /** A file the user owns. A recipient sees the file, so for them it is 403 (not the owner), not 404. */
    private Uni<StoredFile> owned(InternalIdentity user, String id) {
        return visible(user, id).map(file -> {
            if (!file.ownedBy(user.contextId(), user.userId())) {
                throw GuardProblemException.forbidden("not-the-owner", "only the file's owner can change it");
            }
            return file;
        });
    }

    /** The owner's current key and each extra recipient's keys, by address; a clear 4xx for anyone without one. */
    private Map<String, List<PGPPublicKey>> recipients(InternalIdentity user, List<String> extra) {
        Map<String, List<PGPPublicKey>> out = new LinkedHashMap<>();
        String own = address(user);
        List<PGPPublicKey> ownKeys = recipientKeys(user, own).await().atMost(WAIT);
        out.put(own, ownKeys);
        for (String email : extra) {
            String address = email.trim().toLowerCase(Locale.ROOT);
            if (!address.isEmpty() && !out.containsKey(address)) {
                if (out.size() >= config.maxRecipients()) {
                    throw GuardProblemException.badRequest("too-many-recipients", "a file can have at most "
                            + config.maxRecipients() + " recipients");
                }
                out.put(address, recipientKeys(user, address).await().atMost(WAIT));
            }
        }
        return out;
    }

    private Uni<List<PGPPublicKey>> recipientKeys(InternalIdentity user, String address) {
        boolean own = address.equals(address(user));
        return keys.recipient(user, address).map(found -> {
            Instant now = Instant.now();
            List<PGPPublicKey> usable = new ArrayList<>();
            for (KeyServiceClient.RecipientKey key : found.keys()) {
                parse(key.armored()).flatMap(ring -> RecipientKeys.encryptionKey(ring, now)).ifPresent(usable::add);
            }
            if (usable.isEmpty()) {
                throw own ? GuardProblemException.conflict("no-key",
                        "you have no usable key yet: create one (POST /api/keys) before encrypting files")
                        : GuardProblemException.badRequest("recipient-without-key", "no usable key was found for "
                                + address + " (Guard users, your keyring, WKD, key servers)");
            }
            return usable;
        });
    }

    private static Optional<PGPPublicKeyRing> parse(String armored) {
        Optional<PGPPublicKeyRing> ring = RecipientKeys.certificate(armored);
        if (ring.isEmpty()) {
            LOG.debug("key-service answered a key that does not parse");
        }
        return ring;
    }

    /** The file's session-key packets, one per recipient key, as they go before the body. */
    private static byte[] concatenated(StoredFile file) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        file.recipients().forEach(r -> out.writeBytes(r.eskPacket()));
        return out.toByteArray();
    }

    private static String fingerprint(PGPPublicKey key) {
        return java.util.HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    /**
     * Copies the plaintext one buffer behind what has been decrypted: the integrity check passes or fails only at
     * the end of the stream, so the last buffer goes out only after it passed. A tampered file therefore ends the
     * response short of its end (short of its Content-Length, or without the last chunk), never complete.
     */
    private void copyDecrypted(DecryptingInputStream plaintext, OutputStream out) throws IOException {
        // Decryption latency (Prometheus: guard_files_download_seconds): storage read, decryption and the client's
        // reading pace together, as a download takes them; complete downloads only.
        Timer.Sample sample = Timer.start(meters);
        try (plaintext) {
            byte[] pending = new byte[64 * 1024];
            byte[] next = new byte[64 * 1024];
            int pendingLength = plaintext.readNBytes(pending, 0, pending.length);
            long total = 0;
            while (true) {
                int n = plaintext.readNBytes(next, 0, next.length);
                if (n <= 0) {
                    break; // the end, integrity verified (else readNBytes threw)
                }
                out.write(pending, 0, pendingLength);
                total += pendingLength;
                byte[] swap = pending;
                pending = next;
                next = swap;
                pendingLength = n;
            }
            out.write(pending, 0, pendingLength);
            total += pendingLength;
            meters.counter("guard.files.bytes", "direction", "out", "backend", store.backend()).increment(total);
            sample.stop(meters.timer("guard.files.download", "backend", store.backend()));
        } catch (io.guardcluster.common.pgp.message.MessageIntegrityException e) {
            integrityFailures.increment();
            LOG.warn("a stored file failed its integrity check while being downloaded; the transfer was aborted");
            throw e;
        }
    }

    /** Like transferTo, with a buffer as large as the request chunks and the encryption's packets (64 KiB). */
    private static void copy64k(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        try (in) {
            copy64k(in, out);
        }
    }

    private void abandon(long row) {
        try {
            files.deletePending(row).await().atMost(WAIT);
        } catch (RuntimeException e) {
            LOG.warnf("could not remove the pending row of a failed upload (the cleanup will): %s", e.getMessage());
        }
    }

    private void deleteQuietly(String location) {
        try {
            store.delete(location);
        } catch (RuntimeException e) {
            LOG.warnf("could not delete stored object %s: %s", location, e.getMessage());
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private static String address(InternalIdentity user) {
        return user.email().toLowerCase(Locale.ROOT);
    }

    private static String fileName(String name) {
        if (name == null || name.isBlank()) {
            throw GuardProblemException.badRequest("name-required", "send the file's name as the \"name\" query parameter");
        }
        String trimmed = name.strip();
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        trimmed = trimmed.substring(slash + 1);
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME || trimmed.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw GuardProblemException.badRequest("invalid-name", "a file name has 1 to " + MAX_NAME
                    + " characters and no control characters");
        }
        return trimmed;
    }

    private static String contentType(String value) {
        if (value == null || value.isBlank()) {
            return "application/octet-stream";
        }
        String type = value.strip();
        if (type.length() > 255 || type.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw GuardProblemException.badRequest("invalid-content-type", "the Content-Type header is not a media type");
        }
        return type.toLowerCase(Locale.ROOT).startsWith(ENCRYPTED_TYPE) ? ENCRYPTED_TYPE : type;
    }

    private static boolean hasEncryptedSuffix(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".pgp") || lower.endsWith(".gpg");
    }

    private static String stripEncryptedSuffix(String name) {
        return hasEncryptedSuffix(name) && name.length() > 4 ? name.substring(0, name.length() - 4) : name;
    }

    private static GuardProblemException tooLarge(long max) {
        return new GuardProblemException(413, "file-too-large", "Content too large",
                "files are limited to " + max + " bytes (guard.files.max-size); nothing was stored");
    }

    private static GuardProblemException notFound() {
        return GuardProblemException.notFound("file-not-found", "there is no such file");
    }

    private static GuardProblemException cannotDecrypt() {
        return new GuardProblemException(422, "cannot-decrypt", "Unprocessable content",
                "the file cannot be decrypted with your key (or its stored form is damaged)");
    }
}
