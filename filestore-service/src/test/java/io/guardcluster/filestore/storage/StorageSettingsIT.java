package io.guardcluster.filestore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;

/** Storage settings no run could work with stop the packaged service at boot, with one line that says which. */
class StorageSettingsIT {

    @TempDir
    Path work;

    @Test
    void aPartSizeS3WouldRefuseStopsTheStart() throws Exception {
        TestCluster cluster = TestCluster.get();
        Map<String, String> config = new HashMap<>(cluster.databaseConfig());
        config.putAll(cluster.s3Config());
        config.put("guard.storage.s3.part-size", "1M");
        try (ServiceProcess service = ServiceProcess.start(Path.of("").toAbsolutePath(), Ports.freePort(),
                TestCluster.asEnvironment(config), work.resolve("service.log"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(60))).as("output:%n%s", service.output()).contains(78);
            assertThat(service.output())
                    .contains("guard.storage.s3.part-size must be between 5M and 512M, not 1048576 bytes")
                    .doesNotContain("Listening on").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }
}
