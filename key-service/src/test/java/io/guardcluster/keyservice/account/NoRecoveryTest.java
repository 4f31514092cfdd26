package io.guardcluster.keyservice.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.seal.Sealer;
import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestCluster;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * OX Guard's "norecovery": no recovery data is ever written, so someone holding the whole database
 * and {@code oxguardpass} still cannot unlock a user's keys without the password.
 */
@QuarkusTest
@TestProfile(NoRecoveryTest.NoRecovery.class)
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class NoRecoveryTest {

    public static class NoRecovery implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.recovery.enabled", "false");
        }
    }

    @Test
    void nothingTheMasterKeyOpensIsStored() throws Exception {
        KeyApi api = KeyApi.fresh("norecovery");
        api.createKey("a-good-password", "recoveryEmail", "elsewhere@example.org");
        api.request().post("/api/keys/password/reset").then().statusCode(409)
                .body("type", is("urn:guard:problem:recovery-unavailable"));

        // The attacker's view: every byte stored for the user, and the master key ring.
        Sealer sealer = new Sealer(MasterKeyFile.read(TestCluster.get().masterKeyFile()));
        List<byte[]> stored = storedBlobs(api);
        assertThat(stored).as("password wrap and secret key are stored").hasSizeGreaterThanOrEqualTo(2);
        for (byte[] blob : stored) {
            for (String purpose : List.of(RecoveryData.PURPOSE, "key-cache", "unlock-token")) {
                assertThat(opens(sealer, purpose, blob)).as("a stored blob opens with the master key (%s)", purpose).isFalse();
            }
        }
        assertThat(PasswordLifecycleTest.recoveryColumn(api)).isNull();
    }

    private static boolean opens(Sealer sealer, String purpose, byte[] blob) {
        try {
            sealer.open(purpose, blob);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<byte[]> storedBlobs(KeyApi api) throws Exception {
        List<byte[]> blobs = new ArrayList<>();
        try (Connection db = TestCluster.get().database().connect()) {
            for (String sql : List.of("SELECT password_wrap, recovery FROM guard_user WHERE context_id = ? AND user_id = ?",
                    "SELECT secret_key, public_key FROM guard_key WHERE context_id = ? AND user_id = ?")) {
                try (PreparedStatement select = db.prepareStatement(sql)) {
                    select.setInt(1, api.user().contextId());
                    select.setInt(2, api.user().userId());
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            for (int column = 1; column <= 2; column++) {
                                byte[] value = rows.getBytes(column);
                                if (value != null) {
                                    blobs.add(value);
                                }
                            }
                        }
                    }
                }
            }
        }
        return blobs;
    }
}
