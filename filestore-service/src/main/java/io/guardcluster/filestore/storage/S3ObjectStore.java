package io.guardcluster.filestore.storage;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Objects in an S3 bucket under {@code <key-prefix><key>}. An upload is buffered up to one part; the
 * first full part starts a multipart upload, whose parts S3 keeps invisible until
 * {@code CompleteMultipartUpload} on commit makes the whole object appear at once. An object that never
 * fills a part is sent with a single {@code PutObject} on commit (equally atomic). So an upload holds at
 * most one part in memory, whatever its size.
 *
 * <p>Any S3 error other than "no such key" means the storage is not usable as configured (unreachable,
 * wrong bucket or credentials, a 5xx) and becomes {@link StorageUnavailableException}. The client's
 * retries and timeouts are the {@code quarkus.s3.*} settings.
 */
public final class S3ObjectStore implements ObjectStore {

    /** S3's smallest part (but the last). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Our cap: a part is a byte array in memory, two per upload in progress (one filling, one being sent). */
    public static final int MAX_PART_SIZE = 512 * 1024 * 1024;
    /** S3 numbers parts 1 to 10,000. */
    static final int MAX_PARTS = 10_000;
    /** The part buffer starts this small and doubles, so small objects cost little memory. */
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final Logger LOG = Logger.getLogger(S3ObjectStore.class);
    /** Sends parts while the writers fill the next one (one thread per upload in progress at most). */
    private static final ExecutorService PART_UPLOADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "s3-part-upload");
        thread.setDaemon(true);
        return thread;
    });

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final int partSize;
    private final Clock clock;
    private final StorageMetrics metrics;

    S3ObjectStore(S3Client s3, String bucket, String keyPrefix, long partSize, Clock clock, StorageMetrics metrics) {
        checkPartSize(partSize);
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.partSize = (int) partSize;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** @throws IllegalArgumentException unless S3 accepts parts of this size and we are willing to buffer one */
    static void checkPartSize(long partSize) {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("guard.storage.s3.part-size must be between 5M and 512M, not " + partSize + " bytes");
        }
    }

    @Override
    public String backend() {
        return "s3";
    }

    /** The S3 key of the object {@code key}. */
    String s3Key(String key) {
        return keyPrefix + key;
    }

    @Override
    public ObjectWriter create(String key) {
        ObjectKeys.requireValid(key);
        // Nothing to ask S3 yet: small objects need a single request on commit.
        return new S3Writer(key);
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
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(s3Key(key));
        if (offset > 0) {
            request.range("bytes=" + offset + "-");
        }
        try {
            return metrics.countingReads(s3.getObject(request.build()));
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                // S3 refuses a range that starts at the end; the contract gives an empty stream there.
                long size = size(key);
                if (offset == size) {
                    return InputStream.nullInputStream();
                }
                throw new IllegalArgumentException("offset " + offset + " is beyond the end of object " + key + " (" + size + " bytes)");
            }
            throw unavailable("open", e);
        } catch (SdkException e) {
            throw unavailable("open", e);
        }
    }

    @Override
    public long size(String key) {
        ObjectKeys.requireValid(key);
        try {
            return s3.headObject(b -> b.bucket(bucket).key(s3Key(key))).contentLength();
        } catch (S3Exception e) {
            // HEAD answers carry no error code, so a missing key is just a 404.
            if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
                throw new ObjectNotFoundException(key);
            }
            throw unavailable("size", e);
        } catch (SdkException e) {
            throw unavailable("size", e);
        }
    }

    @Override
    public void delete(String key) {
        ObjectKeys.requireValid(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(s3Key(key)));
        } catch (SdkException e) {
            throw unavailable("delete", e);
        }
    }

    @Override
    public int removeLeftovers(Duration olderThan) {
        Instant cutoff = clock.instant().minus(olderThan);
        int removed = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(keyPrefix)).uploads()) {
                // An upload's age counts from its start (S3 keeps no time of its last part).
                if (upload.initiated() != null && upload.initiated().isBefore(cutoff)
                        && abortUpload(upload.key(), upload.uploadId())) {
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw unavailable("remove leftovers", e);
        }
        metrics.leftoversRemoved(removed);
        return removed;
    }

    /** @return false if the upload was already gone (another replica's cleanup, a concurrent abort) */
    private boolean abortUpload(String s3Key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(s3Key).uploadId(uploadId));
            return true;
        } catch (NoSuchUploadException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private StorageUnavailableException unavailable(String operation, SdkException cause) {
        metrics.unavailable();
        StorageUnavailableException e = new StorageUnavailableException(operation + " in bucket " + bucket + ": " + cause);
        LOG.warnf("S3 storage unavailable: %s", e.reason());
        return e;
    }

    private final class S3Writer extends ObjectWriter {

        private byte[] part = new byte[0];
        private int buffered;
        /** The part being sent in the background (at most one), its number and buffer; the free second buffer. */
        private Future<CompletedPart> inFlight;
        private int inFlightNumber;
        private byte[] inFlightBuffer;
        private byte[] spare;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();

        S3Writer(String key) {
            super(key, metrics);
        }

        @Override
        void writeBytes(byte[] b, int off, int len) {
            while (len > 0) {
                if (buffered == partSize) {
                    // Sent only once more bytes arrive, so the last part is never empty.
                    uploadPart();
                }
                int n = Math.min(len, partSize - buffered);
                ensureCapacity(buffered + n);
                System.arraycopy(b, off, part, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }

        private void ensureCapacity(int needed) {
            if (needed > part.length) {
                int capacity = Math.max(part.length, INITIAL_BUFFER);
                while (capacity < needed) {
                    capacity = Math.min(partSize, capacity * 2);
                }
                part = Arrays.copyOf(part, capacity);
            }
        }

        private static RequestBody body(byte[] bytes, int length) {
            // A fresh stream over the buffer per attempt (retries, signing), without copying it.
            return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, CONTENT_TYPE);
        }

        /**
         * Sends the buffered part in the background and goes on filling the other buffer meanwhile, so encrypting and
         * uploading overlap (at most one part in flight: two part buffers per upload). First waits for the part
         * before, which also hands its buffer back for reuse.
         */
        private void uploadPart() {
            awaitInFlight();
            if (parts.size() == MAX_PARTS) {
                throw new IllegalStateException("object " + key() + " would exceed " + MAX_PARTS + " parts of " + partSize
                        + " bytes: raise guard.storage.s3.part-size");
            }
            int number = parts.size() + 1;
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(s3Key(key())).contentType(CONTENT_TYPE)).uploadId();
                }
            } catch (SdkException e) {
                throw unavailable("start the upload of " + s3Key(key()), e);
            }
            byte[] bytes = part;
            int length = buffered;
            String id = uploadId;
            inFlight = PART_UPLOADS.submit(() -> {
                UploadPartResponse response = s3.uploadPart(
                        b -> b.bucket(bucket).key(s3Key(key())).uploadId(id).partNumber(number).contentLength((long) length),
                        body(bytes, length));
                // Whatever checksum the client sent with the part has to be repeated on completion.
                return CompletedPart.builder().partNumber(number).eTag(response.eTag())
                        .checksumCRC32(response.checksumCRC32()).checksumCRC32C(response.checksumCRC32C())
                        .checksumCRC64NVME(response.checksumCRC64NVME()).checksumSHA1(response.checksumSHA1())
                        .checksumSHA256(response.checksumSHA256()).build();
            });
            inFlightNumber = number;
            inFlightBuffer = bytes;
            part = spare == null ? new byte[0] : spare;
            spare = null;
            buffered = 0;
        }

        /** Waits for the part in flight (if any): recorded when sent, a 503 when S3 failed it. */
        private void awaitInFlight() {
            if (inFlight == null) {
                return;
            }
            try {
                parts.add(inFlight.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SdkException sdk) {
                    throw unavailable("upload part " + inFlightNumber + " of " + s3Key(key()), sdk);
                }
                throw new IllegalStateException("uploading part " + inFlightNumber + " failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException("interrupted while uploading part " + inFlightNumber);
            } finally {
                inFlight = null;
                spare = inFlightBuffer;
                inFlightBuffer = null;
            }
        }

        @Override
        void commitObject() {
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(s3Key(key())).contentType(CONTENT_TYPE).contentLength((long) buffered),
                            body(part, buffered));
                } else {
                    if (buffered > 0) {
                        uploadPart();
                    }
                    awaitInFlight();
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(s3Key(key())).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                }
            } catch (SdkException e) {
                throw unavailable("commit " + s3Key(key()), e);
            }
            part = null;
            spare = null;
        }

        @Override
        void discard() {
            if (inFlight != null) {
                try {
                    awaitInFlight(); // let it finish: the abort below then removes it with the rest
                } catch (RuntimeException e) {
                    // failed anyway; nothing more to wait for
                }
            }
            part = null;
            spare = null;
            if (uploadId != null) {
                try {
                    abortUpload(s3Key(key()), uploadId);
                } catch (SdkException e) {
                    // S3 is unreachable: the incomplete upload stays until removeLeftovers finds it.
                    LOG.warnf("cannot abort the multipart upload of %s, the cleanup will: %s", s3Key(key()), e);
                }
            }
        }
    }
}
