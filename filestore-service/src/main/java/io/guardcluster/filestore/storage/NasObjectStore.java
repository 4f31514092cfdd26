package io.guardcluster.filestore.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

/**
 * Objects as files in the directory every replica mounts (the NAS), fanned out by the key's first
 * four characters ({@code <dir>/ab/cd/abcd…}) so no directory grows huge. Uploads are written to
 * {@code <dir>/.tmp/} (the same filesystem, so the final rename is atomic) and moved into place on commit.
 *
 * <p>A missing upload directory is never created here: on a share that is not mounted that would
 * silently fill the local disk. It is reported as {@link StorageUnavailableException} instead.
 */
public final class NasObjectStore implements ObjectStore {

    static final String TEMP_DIRECTORY = ".tmp";
    static final String TEMP_SUFFIX = ".part";
    /** Coalesces small writes (an OpenPGP stream writes in small packets) into fewer system calls. */
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(NasObjectStore.class);

    private final Path root;
    private final Clock clock;
    private final StorageMetrics metrics;

    NasObjectStore(Path root, Clock clock, StorageMetrics metrics) {
        this.root = root;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String backend() {
        return "file";
    }

    /** Where the committed object {@code key} lives (it need not exist). */
    Path path(String key) {
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    Path tempDirectory() {
        return root.resolve(TEMP_DIRECTORY);
    }

    @Override
    public ObjectWriter create(String key) {
        ObjectKeys.requireValid(key);
        requireRoot("create");
        Path temp = tempDirectory().resolve(key + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        try {
            ensureDirectory(temp.getParent());
            return new NasWriter(key, temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw unavailable("create", "cannot create " + temp, e);
        }
    }

    @Override
    public InputStream open(String key) {
        return open(key, 0);
    }

    @Override
    public InputStream open(String key, long offset) {
        ObjectKeys.requireValid(key);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        requireRoot("open");
        FileChannel channel;
        try {
            channel = FileChannel.open(path(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw unavailable("open", "cannot open " + path(key), e);
        }
        try {
            long size = channel.size();
            if (offset > size) {
                closeQuietly(channel);
                throw new IllegalArgumentException("offset " + offset + " is beyond the end of object " + key + " (" + size + " bytes)");
            }
            channel.position(offset);
        } catch (IOException e) {
            closeQuietly(channel);
            throw unavailable("open", "cannot read " + path(key), e);
        }
        return metrics.countingReads(Channels.newInputStream(channel));
    }

    @Override
    public long size(String key) {
        ObjectKeys.requireValid(key);
        requireRoot("size");
        try {
            return Files.size(path(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw unavailable("size", "cannot stat " + path(key), e);
        }
    }

    @Override
    public void delete(String key) {
        ObjectKeys.requireValid(key);
        requireRoot("delete");
        try {
            // The fan-out directories stay: removing an empty one races with a commit creating a file in it.
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw unavailable("delete", "cannot delete " + path(key), e);
        }
    }

    @Override
    public int removeLeftovers(Duration olderThan) {
        requireRoot("remove leftovers");
        Instant cutoff = clock.instant().minus(olderThan);
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDirectory(), "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                // Every write touches the file, so an upload in progress looks young however long it runs.
                if (lastModified(temp).isBefore(cutoff) && deleteQuietly(temp)) {
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            return 0; // No upload ever started here.
        } catch (IOException e) {
            throw unavailable("remove leftovers", "cannot list " + tempDirectory(), e);
        }
        metrics.leftoversRemoved(removed);
        return removed;
    }

    /** Creates {@code dir} if missing, but not its parent; @return whether it was created */
    private static boolean ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return false; // Another upload created it meanwhile.
            }
            throw e;
        }
    }

    private static Instant lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.MAX; // Gone meanwhile (another replica's cleanup, a commit): nothing to remove.
        }
    }

    private static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot remove the leftover %s: %s", file, e);
            return false;
        }
    }

    private void requireRoot(String operation) {
        if (!Files.isDirectory(root)) {
            throw unavailable(operation, "the upload directory " + root + " is missing or not a directory (is the share mounted?)", null);
        }
    }

    private StorageUnavailableException unavailable(String operation, String reason, Exception cause) {
        metrics.unavailable();
        StorageUnavailableException e = new StorageUnavailableException(operation + ": " + reason + (cause == null ? "" : ": " + cause));
        LOG.warnf("file storage unavailable: %s", e.reason());
        return e;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a channel we only read from or are discarding: nothing to lose.
        }
    }

    /**
     * fsync of a directory makes a rename or a new entry in it durable. Some network filesystems refuse
     * it on directories; they commit metadata changes synchronously anyway, so that is not an error.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debugf("fsync of directory %s not possible: %s", dir, e);
        }
    }

    private final class NasWriter extends ObjectWriter {

        private final Path temp;
        private final FileChannel channel;
        private byte[] buffer = new byte[BUFFER_SIZE];
        private int buffered;

        NasWriter(String key, Path temp, FileChannel channel) {
            super(key, metrics);
            this.temp = temp;
            this.channel = channel;
        }

        @Override
        void writeBytes(byte[] b, int off, int len) {
            if (len > buffer.length - buffered) {
                flushBuffer();
            }
            if (len >= buffer.length) {
                writeFully(ByteBuffer.wrap(b, off, len));
            } else {
                System.arraycopy(b, off, buffer, buffered, len);
                buffered += len;
            }
        }

        private void flushBuffer() {
            if (buffered > 0) {
                writeFully(ByteBuffer.wrap(buffer, 0, buffered));
                buffered = 0;
            }
        }

        private void writeFully(ByteBuffer bytes) {
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                // Typically ENOSPC (the share is full) or EIO (it went away).
                throw unavailable("write", "cannot write " + temp, e);
            }
        }

        /**
         * 1. write what is buffered; 2. fsync the file, so its content is on disk before its name is;
         * 3. rename it into its fan-out directory (atomic: readers see no file or the whole file);
         * 4. fsync that directory, so the rename survives a crash.
         */
        @Override
        void commitObject() {
            flushBuffer();
            Path target = path(key());
            try {
                channel.force(true);
                channel.close();
                // One level at a time, never the root itself: if the share vanished, this fails instead of
                // recreating it on the local disk.
                boolean newDirectories = ensureDirectory(target.getParent().getParent());
                newDirectories |= ensureDirectory(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
                if (newDirectories) {
                    syncDirectory(target.getParent().getParent());
                    syncDirectory(root);
                }
            } catch (NoSuchFileException e) {
                throw unavailable("commit", "cannot move " + temp + " to " + target + " (was the share unmounted, or did the"
                        + " upload idle longer than guard.storage.leftover-age so that the cleanup removed it?)", e);
            } catch (IOException e) {
                throw unavailable("commit", "cannot move " + temp + " to " + target, e);
            }
            buffer = null;
        }

        @Override
        void discard() {
            buffer = null;
            closeQuietly(channel);
            // Left in place if this fails (the share is gone): removeLeftovers takes it later.
            deleteQuietly(temp);
        }
    }
}
