package io.guardcluster.filestore.storage;

import static io.guardcluster.filestore.storage.TestData.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

/** The object store contract on a NAS directory (a fresh one for this class). */
@QuarkusTest
@TestProfile(NasObjectStoreTest.Profile.class)
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "storage", value = "file"))
class NasObjectStoreTest extends ObjectStoreContract {

    /** The scheduled cleanup off (tests run it themselves), leftovers counting as old at once. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.storage.cleanup-interval", "off", "guard.storage.leftover-age", "0s");
        }
    }

    @ConfigProperty(name = "guard.storage.file.upload-directory")
    Path share;

    @Override
    protected String backend() {
        return "file";
    }

    @Override
    protected ObjectStore storeWith(Clock clock, MeterRegistry registry) {
        return new NasObjectStore(share, clock, new StorageMetrics(registry, "file"));
    }

    @Override
    protected ObjectStore unreachableStore() {
        return nasAt(share.resolveSibling(share.getFileName() + "-never-mounted"));
    }

    @Override
    protected Set<String> visibleKeys() throws IOException {
        try (Stream<Path> files = Files.walk(share)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(share.resolve(NasObjectStore.TEMP_DIRECTORY)))
                    .map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Override
    protected int pendingUploads() throws IOException {
        return temporaryFiles().size();
    }

    @Override
    protected long pendingBytes() throws IOException {
        long bytes = 0;
        for (Path temp : temporaryFiles()) {
            bytes += Files.size(temp);
        }
        return bytes;
    }

    @Override
    protected int bufferSize() {
        return 64 * 1024;
    }

    private Set<Path> temporaryFiles() throws IOException {
        Path temps = share.resolve(NasObjectStore.TEMP_DIRECTORY);
        if (!Files.isDirectory(temps)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(temps)) {
            return files.collect(Collectors.toSet());
        }
    }

    private static NasObjectStore nasAt(Path directory) {
        return new NasObjectStore(directory, Clock.systemUTC(), new StorageMetrics(new SimpleMeterRegistry(), "file"));
    }

    @Test
    void objectsAreFannedOutByTheirKeyAndWrittenUnderTmpFirst() throws IOException {
        String key = "0a1b2c3d-aaaa-4bbb-8ccc-000000000001";
        try (ObjectWriter out = store.create(key)) {
            out.write(new byte[] { 1, 2 });
            out.write(new byte[bufferSize()]); // past the buffer: reaches the temporary file
            assertThat(temporaryFiles()).singleElement()
                    .satisfies(temp -> assertThat(temp.getFileName().toString()).startsWith(key + ".").endsWith(".part"));
            out.commit();
        }
        assertThat(share.resolve("0a").resolve("1b").resolve(key)).isRegularFile().hasSize(2 + bufferSize());
    }

    @Test
    void removeLeftoversJudgesEachTemporaryFileByItsLastWrite() throws IOException {
        ObjectWriter old = store.create(ObjectKeys.random());
        ObjectWriter young = store.create(ObjectKeys.random());
        old.write(new byte[bufferSize()]);
        young.write(new byte[bufferSize()]);
        Path oldTemp = temporaryFiles().stream().filter(p -> p.getFileName().toString().startsWith(old.key())).findFirst().orElseThrow();
        Files.setLastModifiedTime(oldTemp, FileTime.from(Instant.now().minus(Duration.ofMinutes(61))));

        assertThat(store.removeLeftovers(HOUR)).isEqualTo(1);

        assertThat(temporaryFiles()).singleElement()
                .satisfies(temp -> assertThat(temp.getFileName().toString()).startsWith(young.key() + "."));
        young.commit();
        assertThat(store.size(young.key())).isEqualTo(bufferSize());
        old.abort();
    }

    @Test
    void aRegularFileWhereTheShareBelongsIsUnavailable() throws IOException {
        Path notADirectory = Files.createTempFile(share.getParent(), "not-a-share-", "");
        NasObjectStore store = nasAt(notADirectory);
        assertThatThrownBy(() -> store.create(ObjectKeys.random())).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> store.open(ObjectKeys.random())).isInstanceOf(StorageUnavailableException.class);
        assertThatThrownBy(() -> store.removeLeftovers(HOUR)).isInstanceOf(StorageUnavailableException.class);
        assertThat(notADirectory).isRegularFile().isEmptyFile();
    }

    @Test
    void aMissingShareIsNeverRecreated() {
        Path missing = share.resolveSibling(share.getFileName() + "-unmounted");
        NasObjectStore store = nasAt(missing);
        assertThatThrownBy(() -> store.create(ObjectKeys.random())).isInstanceOf(StorageUnavailableException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void theShareVanishingMidUploadFailsTheCommitLeavesNoObjectAndTheLeftoverIsRemovedLater() throws IOException {
        String key = ObjectKeys.random();
        Path unmounted = share.resolveSibling(share.getFileName() + "-away");
        ObjectWriter out = store.create(key);
        TestData.copy(TestData.stream(8, MIB), out);

        Files.move(share, unmounted);
        try {
            assertThatThrownBy(out::commit).isInstanceOf(StorageUnavailableException.class);
            assertThat(share).as("the commit did not recreate the share on the local disk").doesNotExist();
        } finally {
            Files.move(unmounted, share);
        }
        assertThat(visibleKeys()).doesNotContain(key);
        // The abort could not reach the temporary file while the share was away: the cleanup takes it.
        assertThat(pendingUploads()).isEqualTo(1);
        assertThat(storeWith(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)), new SimpleMeterRegistry()).removeLeftovers(HOUR))
                .isEqualTo(1);
        assertNothingLeftFor(key);
    }
}
