package io.guardcluster.filestore.storage;

import static io.guardcluster.filestore.storage.TestData.MIB;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hamcrest.Matchers.containsString;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What every {@link ObjectStore} promises, run against each backend for real: {@link NasObjectStoreTest}
 * (a directory) and {@link S3ObjectStoreTest} (S3Proxy). The store under test is the one the application
 * produces from its configuration; a subclass says how to look at the storage underneath (to see what is
 * visible and what uploads left behind) and builds variants of the store (another clock, an unreachable
 * storage).
 */
abstract class ObjectStoreContract {

    /** Large enough that S3 sends several parts, and that a whole-object buffer would show. */
    static final long LARGE = 20L * MIB;
    static final Duration HOUR = Duration.ofHours(1);

    @Inject
    ObjectStore store;

    @Inject
    MeterRegistry registry;

    @Inject
    LeftoverCleanup cleanup;

    /** {@code file} or {@code s3}. */
    protected abstract String backend();

    /** Another store over the same storage, with its own clock and metrics. */
    protected abstract ObjectStore storeWith(Clock clock, MeterRegistry registry);

    /** A store whose storage cannot be reached. */
    protected abstract ObjectStore unreachableStore();

    /** The keys of the objects the storage shows, looked up directly (directory listing, ListObjects). */
    protected abstract Set<String> visibleKeys() throws IOException;

    /** Uploads that are neither committed nor aborted: temporary files, incomplete multipart uploads. */
    protected abstract int pendingUploads() throws IOException;

    /** Bytes the storage already holds for those uploads. */
    protected abstract long pendingBytes() throws IOException;

    /** The size of one buffer an upload fills before handing it to the storage. */
    protected abstract int bufferSize();

    /**
     * How many buffers an upload may hold at once (filling one, the storage still receiving others); so at most
     * {@code buffersHeld() * bufferSize()} bytes of an upload are in memory rather than in the storage.
     */
    protected int buffersHeld() {
        return 1;
    }

    /** Starts every test with no leftovers of earlier ones, so "nothing left" means exactly that. */
    @BeforeEach
    void removeAllLeftovers() throws IOException {
        storeWith(Clock.offset(Clock.systemUTC(), Duration.ofDays(1)), new SimpleMeterRegistry()).removeLeftovers(HOUR);
        assertThat(pendingUploads()).isZero();
    }

    @Test
    void theConfiguredBackendIsProduced() {
        assertThat(store.backend()).isEqualTo(backend());
    }

    @Test
    void aLargeObjectIsStreamedInvisiblyUntilCommitAndReadsBackIdentical() throws IOException {
        String key = ObjectKeys.random();
        double commits = counter("guard.storage.commits");
        double written = counter("guard.storage.written");
        double read = counter("guard.storage.read");
        try (ObjectWriter out = store.create(key)) {
            assertThat(TestData.copy(TestData.stream(1, LARGE), out)).isEqualTo(LARGE);

            // Streamed: all but the last buffer(s) is already in the storage, not in memory...
            assertThat(pendingBytes()).isGreaterThanOrEqualTo(LARGE - (long) buffersHeld() * bufferSize());
            assertThat(pendingUploads()).isEqualTo(1);
            // ...yet nothing is visible under the key.
            assertThat(visibleKeys()).doesNotContain(key);
            assertThatThrownBy(() -> store.open(key)).isInstanceOf(ObjectNotFoundException.class);
            assertThatThrownBy(() -> store.size(key)).isInstanceOf(ObjectNotFoundException.class);

            out.commit();
            assertThat(out.isCommitted()).isTrue();
            assertThat(out.size()).isEqualTo(LARGE);
        }
        assertThat(visibleKeys()).contains(key);
        assertThat(pendingUploads()).isZero();
        assertThat(store.size(key)).isEqualTo(LARGE);
        assertThat(TestData.sha256(store.open(key))).isEqualTo(TestData.sha256(1, LARGE, 0));

        assertThat(counter("guard.storage.commits") - commits).isEqualTo(1);
        assertThat(counter("guard.storage.written") - written).isEqualTo(LARGE);
        assertThat(counter("guard.storage.read") - read).isEqualTo(LARGE);
    }

    @Test
    void objectsAroundTheBufferSizeReadBackIdentical() throws IOException {
        for (long size : new long[] { 0, 1, bufferSize() - 1, bufferSize(), bufferSize() + 1 }) {
            String key = ObjectKeys.random();
            try (ObjectWriter out = store.create(key)) {
                TestData.copy(TestData.stream(size, size), out);
                out.commit();
            }
            assertThat(store.size(key)).as("size of a %d byte object", size).isEqualTo(size);
            assertThat(TestData.sha256(store.open(key))).as("content of a %d byte object", size)
                    .isEqualTo(TestData.sha256(size, size, 0));
        }
        assertThat(pendingUploads()).isZero();
    }

    @Test
    void singleByteWritesAreKept() throws IOException {
        String key = ObjectKeys.random();
        try (ObjectWriter out = store.create(key)) {
            for (int b : new int[] { 'g', 'u', 'a', 'r', 'd', 0x1ff }) {
                out.write(b);
            }
            out.commit();
        }
        try (InputStream in = store.open(key)) {
            assertThat(in.readAllBytes()).containsExactly('g', 'u', 'a', 'r', 'd', 0xff);
        }
    }

    @Test
    void interleavedUploadsStayApart() throws IOException {
        String first = ObjectKeys.random();
        String second = ObjectKeys.random();
        long size = bufferSize() + 4321;
        try (ObjectWriter a = store.create(first); ObjectWriter b = store.create(second);
                InputStream aSource = TestData.stream(11, size); InputStream bSource = TestData.stream(12, size)) {
            byte[] chunk = new byte[100_000];
            for (int n; (n = aSource.read(chunk)) > 0;) {
                a.write(chunk, 0, n);
                b.write(chunk, 0, bSource.readNBytes(chunk, 0, n));
            }
            assertThat(pendingUploads()).isEqualTo(2);
            b.commit();
            a.commit();
        }
        assertThat(TestData.sha256(store.open(first))).isEqualTo(TestData.sha256(11, size, 0));
        assertThat(TestData.sha256(store.open(second))).isEqualTo(TestData.sha256(12, size, 0));
    }

    @Test
    void aSecondCommitUnderTheSameKeyReplacesTheObjectWhole() throws IOException {
        // Callers use fresh keys; this pins down what happens if one is reused: the newer object, never a mix.
        String key = ObjectKeys.random();
        for (long seed : new long[] { 13, 14 }) {
            try (ObjectWriter out = store.create(key)) {
                TestData.copy(TestData.stream(seed, bufferSize() + seed), out);
                out.commit();
            }
        }
        assertThat(store.size(key)).isEqualTo(bufferSize() + 14);
        assertThat(TestData.sha256(store.open(key))).isEqualTo(TestData.sha256(14, bufferSize() + 14, 0));
    }

    @Test
    void abortLeavesNothingAndEndsTheWriter() throws IOException {
        String key = ObjectKeys.random();
        double aborts = counter("guard.storage.aborts");
        ObjectWriter out = store.create(key);
        TestData.copy(TestData.stream(2, 2L * bufferSize() + MIB), out);
        assertThat(pendingUploads()).isEqualTo(1);

        out.abort();

        assertNothingLeftFor(key);
        assertThat(counter("guard.storage.aborts") - aborts).isEqualTo(1);
        out.abort(); // idempotent
        out.close();
        assertThat(counter("guard.storage.aborts") - aborts).isEqualTo(1);
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(out::commit).isInstanceOf(IllegalStateException.class);
        assertNothingLeftFor(key);
    }

    @Test
    void closeWithoutCommitAborts() throws IOException {
        String key = ObjectKeys.random();
        try (ObjectWriter out = store.create(key)) {
            TestData.copy(TestData.stream(3, bufferSize() + MIB), out);
        }
        assertNothingLeftFor(key);
    }

    @Test
    void aSourceFailingMidwayLeavesNothing() throws IOException {
        String key = ObjectKeys.random();
        long good = 2L * bufferSize() + 123;
        assertThatThrownBy(() -> {
            try (ObjectWriter out = store.create(key)) {
                TestData.copy(TestData.failingAfter(good), out);
                out.commit();
            }
        }).isInstanceOf(IOException.class).hasMessage("connection reset by the test");
        assertNothingLeftFor(key);
    }

    @Test
    void commitAfterCommitIsRefusedAndCloseAfterCommitKeepsTheObject() throws IOException {
        String key = ObjectKeys.random();
        ObjectWriter out = store.create(key);
        out.write(new byte[] { 1, 2, 3 });
        out.commit();
        assertThatThrownBy(out::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> out.write(4)).isInstanceOf(IllegalStateException.class);
        out.abort();
        out.close();
        try (InputStream in = store.open(key)) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void removeLeftoversRemovesOldUploadsOnlyAndTheirCommitThenFails() throws IOException {
        String key = ObjectKeys.random();
        // An upload whose replica "crashed": neither committed nor aborted, never closed.
        ObjectWriter orphan = store.create(key);
        TestData.copy(TestData.stream(4, bufferSize() + MIB), orphan);
        assertThat(pendingUploads()).isEqualTo(1);

        assertThat(store.removeLeftovers(HOUR)).as("a young upload is kept").isZero();
        assertThat(pendingUploads()).isEqualTo(1);

        SimpleMeterRegistry later = new SimpleMeterRegistry();
        assertThat(storeWith(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), later).removeLeftovers(HOUR)).isEqualTo(1);
        assertThat(pendingUploads()).isZero();
        assertThat(later.get("guard.storage.leftovers.removed").tag("backend", backend()).counter().count()).isEqualTo(1);

        assertThatThrownBy(orphan::commit).isInstanceOf(StorageUnavailableException.class);
        assertNothingLeftFor(key);
    }

    @Test
    void theScheduledCleanupUsesTheConfiguredAge() throws IOException {
        // The test profiles set guard.storage.leftover-age=0s (and switch the schedule off, so only this call runs it).
        ObjectWriter orphan = store.create(ObjectKeys.random());
        TestData.copy(TestData.stream(5, bufferSize() + MIB), orphan);
        assertThat(pendingUploads()).isEqualTo(1);

        cleanup.run();

        assertThat(pendingUploads()).isZero();
        orphan.abort();
    }

    @Test
    void deleteRemovesAndIsIdempotent() throws IOException {
        String key = ObjectKeys.random();
        try (ObjectWriter out = store.create(key)) {
            out.write(new byte[] { 42 });
            out.commit();
        }
        store.delete(key);
        assertNothingLeftFor(key);
        store.delete(key);
        store.delete(ObjectKeys.random());
    }

    @Test
    void unknownKeysAreNotFound() {
        String key = ObjectKeys.random();
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(ObjectNotFoundException.class)
                .extracting(e -> ((ObjectNotFoundException) e).key()).isEqualTo(key);
        assertThatThrownBy(() -> store.open(key, 10)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void theShortestAndLongestKeysWork() throws IOException {
        for (String key : new String[] { "abcd", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }) {
            try (ObjectWriter out = store.create(key)) {
                out.write(key.getBytes());
                out.commit();
            }
            try (InputStream in = store.open(key)) {
                assertThat(in.readAllBytes()).isEqualTo(key.getBytes());
            }
            store.delete(key);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "abc", "ABCD-1234", "abc-d", "-abcd", "../../etc/passwd", "abcd/../../x", "abcd/efgh", ".tmp",
            "abcd.part", "abcd_1", "abcd efgh", "abcdé", "abcd\n",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0" })
    void invalidKeysAreRefused(String key) {
        for (Consumer<String> operation : List.<Consumer<String>>of(store::create, store::open, k -> store.open(k, 1),
                store::size, store::delete)) {
            assertThatThrownBy(() -> operation.accept(key)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("object key must match");
        }
    }

    @Test
    void openAtAnOffsetReadsTheRest() throws IOException {
        long size = 2L * bufferSize() + 12345;
        String key = ObjectKeys.random();
        try (ObjectWriter out = store.create(key)) {
            TestData.copy(TestData.stream(6, size), out);
            out.commit();
        }
        for (long offset : new long[] { 0, 1, bufferSize() + 7, size - 1 }) {
            assertThat(TestData.sha256(store.open(key, offset))).as("from %d", offset).isEqualTo(TestData.sha256(6, size, offset));
        }
        try (InputStream atEnd = store.open(key, size)) {
            assertThat(atEnd.read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> store.open(key, size + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreachableStorageIsUnavailableForEveryOperation() {
        ObjectStore down = unreachableStore();
        String key = ObjectKeys.random();
        Throwable thrown = catchThrowable(() -> {
            try (ObjectWriter out = down.create(key)) {
                TestData.copy(TestData.stream(7, MIB), out);
                out.commit();
            }
        });
        assertThat(thrown).as("writing and committing fails").isInstanceOf(StorageUnavailableException.class);
        StorageUnavailableException e = (StorageUnavailableException) thrown;
        // What the user is told: 503, a generic sentence, when to retry; the reason is for the log.
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.slug()).isEqualTo("storage-unavailable");
        assertThat(e.getMessage()).isEqualTo(StorageUnavailableException.DETAIL);
        assertThat(e.retryAfterSeconds()).isPositive();
        assertThat(e.reason()).isNotBlank();

        assertThatThrownBy(() -> down.open(key)).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> down.open(key, 5)).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> down.size(key)).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> down.delete(key)).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> down.removeLeftovers(HOUR)).isInstanceOf(StorageUnavailableException.class);
    }

    @Test
    void metricsArePublishedPerBackend() throws IOException {
        try (ObjectWriter out = store.create(ObjectKeys.random())) {
            out.write(new byte[] { 1 });
            out.commit();
        }
        String tag = "{backend=\"" + backend() + "\"}";
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("guard_storage_written_bytes_total" + tag))
                .body(containsString("guard_storage_read_bytes_total" + tag))
                .body(containsString("guard_storage_commits_total" + tag))
                .body(containsString("guard_storage_aborts_total" + tag))
                .body(containsString("guard_storage_leftovers_removed_total" + tag))
                .body(containsString("guard_storage_unavailable_total" + tag));
    }

    /** Nothing of {@code key} anywhere: not visible, not readable, no upload left behind. */
    protected void assertNothingLeftFor(String key) throws IOException {
        assertThat(visibleKeys()).doesNotContain(key);
        assertThat(pendingUploads()).isZero();
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(ObjectNotFoundException.class);
    }

    private double counter(String name) {
        return registry.get(name).tag("backend", backend()).counter().count();
    }
}
