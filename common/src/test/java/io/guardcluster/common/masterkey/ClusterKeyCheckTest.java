package io.guardcluster.common.masterkey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ClusterKeyCheckTest {

    private static final Path FILE = Path.of("/opt/guard/oxguardpass");
    private final MasterKeyRing mine = MasterKeyFile.generate(new SecureRandom());
    private final MasterKeyRing theirs = MasterKeyFile.generate(new SecureRandom());

    @Test
    void matchingFingerprintPasses() {
        assertThat(ClusterKeyCheck.problem(FILE, mine, Map.of(1, mine.current().fingerprint()), "db")).isEmpty();
    }

    @Test
    void differentKeyIsRefusedWithBothFingerprints() {
        String expected = "oxguardpass at /opt/guard/oxguardpass does not belong to this cluster (fingerprint "
                + mine.current().fingerprint().hex().substring(0, 8) + "… expected "
                + theirs.current().fingerprint().hex().substring(0, 8)
                + "…): copy the file from the node where 'guard init' ran";
        assertThat(ClusterKeyCheck.problem(FILE, mine, Map.of(1, theirs.current().fingerprint()), "db")).contains(expected);
    }

    @Test
    void uninitialisedDatabaseSaysRunGuardInit() {
        assertThat(ClusterKeyCheck.problem(FILE, mine, Map.of(), "mysql://db:3306/guard")).hasValueSatisfying(
                m -> assertThat(m).startsWith("database mysql://db:3306/guard has not been initialised").contains("run 'guard init'"));
    }

    @Test
    void missingOrUnregisteredKeysAreRefused() {
        assertThat(ClusterKeyCheck.problem(FILE, mine, Map.of(1, mine.current().fingerprint(), 2, theirs.current().fingerprint()), "db"))
                .hasValueSatisfying(m -> assertThat(m).contains("lacks master key 2"));
        MasterKeyRing rotatedLocally = new MasterKeyRing(Map.of(1, mine.current(), 2, new MasterKey(2, new byte[32])), 2);
        assertThat(ClusterKeyCheck.problem(FILE, rotatedLocally, Map.of(1, mine.current().fingerprint()), "db"))
                .hasValueSatisfying(m -> assertThat(m).contains("makes master key 2 current"));
    }
}
