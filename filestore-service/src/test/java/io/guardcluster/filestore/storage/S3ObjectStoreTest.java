package io.guardcluster.filestore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The object store contract on S3, against a real S3Proxy server. */
@QuarkusTest
@TestProfile(S3ObjectStoreTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "storage", value = "s3"))
class S3ObjectStoreTest extends ObjectStoreContract {

    static final int PART_SIZE = S3ObjectStore.MIN_PART_SIZE;
    static final String PREFIX = "store-contract/";

    /**
     * The smallest parts (more parts per test object), a prefix of its own in the shared bucket, the
     * scheduled cleanup off (tests run it themselves), leftovers counting as old at once.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.storage.s3.part-size", "5M", "guard.storage.s3.key-prefix", PREFIX,
                    "guard.storage.cleanup-interval", "off", "guard.storage.leftover-age", "0s");
        }
    }

    @Inject
    S3Client s3;

    @ConfigProperty(name = "guard.storage.s3.bucket")
    String bucket;

    @Override
    protected String backend() {
        return "s3";
    }

    @Override
    protected ObjectStore storeWith(Clock clock, MeterRegistry registry) {
        return new S3ObjectStore(s3, bucket, PREFIX, PART_SIZE, clock, new StorageMetrics(registry, "s3"));
    }

    /** A store whose endpoint is a loopback port nobody listens on; one attempt, short timeouts. */
    @Override
    protected ObjectStore unreachableStore() {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        S3Client unreachable = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("guard", "not-a-secret")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ofSeconds(2)).build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        return new S3ObjectStore(unreachable, bucket, PREFIX, PART_SIZE, Clock.systemUTC(),
                new StorageMetrics(new SimpleMeterRegistry(), "s3"));
    }

    @Override
    protected Set<String> visibleKeys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(PREFIX)).contents().stream()
                .map(S3Object::key).map(k -> k.substring(PREFIX.length())).collect(Collectors.toSet());
    }

    @Override
    protected int pendingUploads() {
        return uploads().size();
    }

    @Override
    protected long pendingBytes() {
        long bytes = 0;
        for (MultipartUpload upload : uploads()) {
            for (Part part : s3.listPartsPaginator(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())).parts()) {
                bytes += part.size();
            }
        }
        return bytes;
    }

    @Override
    protected int bufferSize() {
        return PART_SIZE;
    }

    /** One part filling while the one before is still being sent (S3ObjectStore sends parts in the background). */
    @Override
    protected int buffersHeld() {
        return 2;
    }

    private List<MultipartUpload> uploads() {
        return s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(PREFIX)).uploads().stream().toList();
    }

    @Test
    void objectsLiveUnderTheKeyPrefix() throws IOException {
        String key = ObjectKeys.random();
        try (ObjectWriter out = store.create(key)) {
            out.write(new byte[] { 7 });
            out.commit();
        }
        assertThat(s3.headObject(b -> b.bucket(bucket).key(PREFIX + key)).contentLength()).isEqualTo(1);
    }

    @Test
    void aMissingBucketIsUnavailable() {
        ObjectStore wrongBucket = new S3ObjectStore(s3, "no-such-bucket", PREFIX, PART_SIZE, Clock.systemUTC(),
                new StorageMetrics(new SimpleMeterRegistry(), "s3"));
        String key = ObjectKeys.random();
        assertThatThrownBy(() -> {
            try (ObjectWriter out = wrongBucket.create(key)) {
                out.write(new byte[] { 1 });
                out.commit();
            }
        }).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> wrongBucket.open(key)).isInstanceOf(StorageUnavailableException.class);
    }

    @Test
    void partSizesOutsideWhatS3AllowsAreRefused() {
        MeterRegistry registry = new SimpleMeterRegistry();
        for (long size : new long[] { PART_SIZE - 1, S3ObjectStore.MAX_PART_SIZE + 1L }) {
            assertThatThrownBy(() -> new S3ObjectStore(s3, bucket, PREFIX, size, Clock.systemUTC(), new StorageMetrics(registry, "s3")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guard.storage.s3.part-size");
        }
    }
}
