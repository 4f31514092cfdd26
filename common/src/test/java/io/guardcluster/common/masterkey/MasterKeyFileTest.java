package io.guardcluster.common.masterkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyFileTest {

    private static final String KEY_B64 = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    @Test
    void writesOwnerOnlyAndReadsBack() throws Exception {
        Path file = dir.resolve("sub/oxguardpass");
        MasterKeyRing ring = MasterKeyFile.generate(new SecureRandom());
        MasterKeyFile.createNew(file, ring, Instant.parse("2026-11-24T20:00:00Z"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temporary file left behind
        MasterKeyRing read = MasterKeyFile.read(file);
        assertThat(read.current().id()).isEqualTo(1);
        assertThat(read.current().fingerprint()).isEqualTo(ring.current().fingerprint());
        assertThat(Files.readString(file)).contains("format=guard-oxguardpass/1", "current=1", "key.1=");
    }

    @Test
    void neverReplacesAnExistingFile() throws Exception {
        Path file = dir.resolve("oxguardpass");
        MasterKeyFile.createNew(file, MasterKeyFile.generate(new SecureRandom()), Instant.now());
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> MasterKeyFile.createNew(file, MasterKeyFile.generate(new SecureRandom()), Instant.now()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void fingerprintIsTheIndependentlyComputedCommitment() {
        byte[] master = new byte[32];
        for (int i = 0; i < 32; i++) {
            master[i] = (byte) i;
        }
        // src/test/golden/seal_v1.py prints the same value.
        assertThat(new MasterKey(1, master).fingerprint().hex())
                .isEqualTo("ea86907c10389662f64fb253432e57016322a415057aa1dd115bf4ab6aea5aab");
    }

    @Test
    void readsSeveralKeysInAnyOrder() throws Exception {
        byte[] other = new byte[32];
        other[0] = 1;
        MasterKeyRing ring = parse("# comment", "", "key.2=" + Base64.getEncoder().encodeToString(other), "current=2",
                "key.1=" + KEY_B64, "format=guard-oxguardpass/1");
        assertThat(ring.keys()).containsOnlyKeys(1, 2);
        assertThat(ring.current().id()).isEqualTo(2);
    }

    @Test
    void missingFileNamesPathAndFix() {
        assertThatThrownBy(() -> MasterKeyFile.read(dir.resolve("nope")))
                .isInstanceOf(MasterKeyFileException.class)
                .hasMessage("oxguardpass not found at " + dir.resolve("nope")
                        + ": copy the file from the node where 'guard init' ran (or run 'guard init' once for a new cluster)");
    }

    @Test
    void unreadableFileIsExplained() throws IOException {
        Path file = dir.resolve("oxguardpass");
        Files.writeString(file, "x");
        // A directory in place of the file is unreadable even for root (which ignores mode bits).
        Path asDir = dir.resolve("dir-oxguardpass");
        Files.createDirectory(asDir);
        assertThatThrownBy(() -> MasterKeyFile.read(asDir)).isInstanceOf(MasterKeyFileException.class)
                .hasMessageContaining("cannot be read").hasMessageContaining(asDir.toString());
    }

    @Test
    void malformedFilesAreRejectedWithoutEchoingSecrets() {
        String secretLooking = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=";
        Map<List<String>, String> cases = Map.ofEntries(
                Map.entry(List.of("current=1", "key.1=" + KEY_B64), "no 'format' line"),
                Map.entry(List.of("format=guard-oxguardpass/9", "current=1", "key.1=" + KEY_B64), "has format 'guard-oxguardpass/9'"),
                Map.entry(List.of("format=guard-oxguardpass/1", "key.1=" + KEY_B64), "no 'current' line"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=2", "key.1=" + KEY_B64), "'current' names key 2"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", "key.1=AAAA"), "key.1 is 3 bytes, expected 32"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", "key.1=***"), "key.1 is not valid base64"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", "key.x=" + KEY_B64), "key id is not a positive integer"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", secretLooking), "line 3 has unknown name)"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", "just text"), "line 3 is not name=value"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1", "kye.1=" + secretLooking), "unknown name 'kye.1'"),
                Map.entry(List.of("format=guard-oxguardpass/1", "current=1"), "holds no key.N line"));
        cases.forEach((lines, expected) -> assertThatThrownBy(() -> MasterKeyFile.parse(Path.of("/x/oxguardpass"), lines))
                .isInstanceOf(MasterKeyFileException.class)
                .hasMessageContaining(expected)
                .hasMessageStartingWith("oxguardpass at /x/oxguardpass")
                .hasMessageNotContaining(secretLooking)
                .hasMessageNotContaining(KEY_B64)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    }

    @Test
    void reportsOpenPermissions() throws Exception {
        Path file = dir.resolve("oxguardpass");
        MasterKeyFile.createNew(file, MasterKeyFile.generate(new SecureRandom()), Instant.now());
        assertThat(MasterKeyFile.isReadableByOthers(file)).isFalse();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(MasterKeyFile.isReadableByOthers(file)).isTrue();
    }

    private static MasterKeyRing parse(String... lines) throws MasterKeyFileException {
        return MasterKeyFile.parse(Path.of("oxguardpass"), List.of(lines));
    }
}
